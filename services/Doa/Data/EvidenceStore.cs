using Logistics.Doa.Domain;
using Npgsql;

namespace Logistics.Doa.Data;

/// <summary>The content of evidence files, one row each beside its claim (the description lives in the claim's document).</summary>
public sealed class EvidenceStore(NpgsqlDataSource dataSource)
{
    /// <summary>Stores a file's content in the caller's transaction (the one that saves the claim that lists it).</summary>
    public static async Task AddAsync(NpgsqlTransaction tx, string claimId, EvidenceFile file, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO doa_evidence (claim_id, evidence_id, content_type, size_bytes, sha256, uploaded_at, content) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            tx.Connection, tx)
        {
            Parameters =
            {
                new() { Value = claimId }, new() { Value = file.EvidenceId }, new() { Value = file.ContentType }, new() { Value = (int)file.SizeBytes },
                new() { Value = file.Sha256 }, new() { Value = file.UploadedAt }, new() { Value = content.ToArray() },
            },
        };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A file's content, or null when the claim has no such file.</summary>
    public async Task<byte[]?> ReadAsync(string claimId, string evidenceId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT content FROM doa_evidence WHERE claim_id = $1 AND evidence_id = $2", conn)
        { Parameters = { new() { Value = claimId }, new() { Value = evidenceId } } };
        return await cmd.ExecuteScalarAsync(ct) as byte[];
    }

    /// <summary>How many files a claim has stored (tests prove a refused upload stored nothing).</summary>
    public async Task<int> CountAsync(string claimId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT count(*)::int FROM doa_evidence WHERE claim_id = $1", conn) { Parameters = { new() { Value = claimId } } };
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
