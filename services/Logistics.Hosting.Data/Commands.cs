using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Logistics.SharedKernel;
using Npgsql;

namespace Logistics.Hosting.Data;

/// <summary>
/// Runs a command in one Postgres transaction (its state change and its outbox events commit together)
/// and honours the caller's idempotency key (`idempotency-key` gRPC metadata, or the `Idempotency-Key`
/// HTTP header through transcoding): the same key with the same request returns the first response and
/// changes nothing again; the same key with another request is refused.
/// </summary>
public sealed class Commands(NpgsqlDataSource dataSource)
{
    public const string IdempotencyKeyHeader = "idempotency-key";
    public const int MaxKeyLength = 128;

    public async Task<TResponse> RunAsync<TResponse>(ServerCallContext context, IMessage request,
        Func<NpgsqlTransaction, Task<TResponse>> command)
        where TResponse : IMessage<TResponse>, new()
    {
        var key = context.RequestHeaders.GetValue(IdempotencyKeyHeader);
        if (key is not null && (key.Length == 0 || key.Length > MaxKeyLength))
            throw new InvalidFieldException(IdempotencyKeyHeader, $"must be 1 to {MaxKeyLength} characters");
        var caller = context.GetHttpContext().User.FindFirst("sub")?.Value ?? "";
        var ct = context.CancellationToken;

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var requestHash = SHA256.HashData(request.ToByteArray());
        if (key is not null)
        {
            var earlier = await ClaimKeyAsync(tx, caller, key, context.Method, requestHash, ct);
            if (earlier is not null)
            {
                if (earlier.Value.Method != context.Method || !earlier.Value.Hash.AsSpan().SequenceEqual(requestHash))
                    throw new InvalidFieldException(IdempotencyKeyHeader, $"'{key}' was already used for a different request");
                var first = new TResponse();
                first.MergeFrom(earlier.Value.Response);
                return first;
            }
        }

        var response = await command(tx);
        if (key is not null)
        {
            await using var save = new NpgsqlCommand("UPDATE idempotency_keys SET response = $3 WHERE caller = $1 AND key = $2", conn, tx)
            { Parameters = { new() { Value = caller }, new() { Value = key }, new() { Value = response.ToByteArray() } } };
            await save.ExecuteNonQueryAsync(ct);
        }
        await CommitSignal.CommitAsync(tx, ct);
        return response;
    }

    /// <summary>Inserts the key, or returns what the first use of it stored. A concurrent first use makes us wait for its commit.</summary>
    private static async Task<(string Method, byte[] Hash, byte[] Response)?> ClaimKeyAsync(
        NpgsqlTransaction tx, string caller, string key, string method, byte[] hash, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand(
            "INSERT INTO idempotency_keys (caller, key, method, request_hash, response) VALUES ($1, $2, $3, $4, ''::bytea) ON CONFLICT DO NOTHING",
            tx.Connection, tx)
        { Parameters = { new() { Value = caller }, new() { Value = key }, new() { Value = method }, new() { Value = hash } } };
        if (await insert.ExecuteNonQueryAsync(ct) == 1) return null;

        await using var select = new NpgsqlCommand("SELECT method, request_hash, response FROM idempotency_keys WHERE caller = $1 AND key = $2", tx.Connection, tx)
        { Parameters = { new() { Value = caller }, new() { Value = key } } };
        await using var reader = await select.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), (byte[])reader[1], (byte[])reader[2]);
    }
}
