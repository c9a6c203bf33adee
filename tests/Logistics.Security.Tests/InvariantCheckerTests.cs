using System.Net.Http.Json;
using Logistics.LocalStack.Invariants;
using Logistics.Testing;
using Npgsql;
using StackExchange.Redis;

namespace Logistics.Security.Tests;

/// <summary>
/// A checker that cannot fail proves nothing: each invariant of deploy/local/check.sh gets a violation planted
/// straight into the stack's databases or Redis, and must report it. Every plant uses its own ids (a centre, part,
/// serial or request nobody else uses) and is removed in <c>finally</c>: other tests run the checker on this stack.
/// </summary>
[Collection(StackCollection.Name)]
public sealed partial class InvariantCheckerTests(TestStack stack)
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    [Fact]
    public async Task A_clean_stack_reports_no_violation() => await stack.AssertInvariantsAsync();

    [Fact]
    public async Task An_outbox_row_left_unpublished_is_reported()
    {
        // The relay skips a locked row (FOR UPDATE SKIP LOCKED): holding its lock keeps it unpublished while the checker looks.
        await using var conn = await stack.Database.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        Guid id;
        while (true)
        {
            id = Guid.NewGuid();
            await Execute("INSERT INTO returns.outbox (id, topic, event_type, payload) VALUES ($1, 'invariant-probe', 'planted', '{}')", id);
            await using var lockRow = new NpgsqlCommand("SELECT 1 FROM returns.outbox WHERE id = $1 AND published_at IS NULL FOR UPDATE", conn, tx) { Parameters = { new() { Value = id } } };
            if (await lockRow.ExecuteScalarAsync() is not null) break;
            await Execute("DELETE FROM returns.outbox WHERE id = $1", id); // the relay was quicker: plant another
        }
        try
        {
            await AssertReportedAsync("no outbox row left unpublished", "returns: 1 unpublished");
        }
        finally
        {
            await using var delete = new NpgsqlCommand("DELETE FROM returns.outbox WHERE id = $1", conn, tx) { Parameters = { new() { Value = id } } };
            await delete.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
    }

    [Fact]
    public async Task Negative_stock_is_reported() =>
        await WithLevelAsync(onHand: -1, reserved: 0, part => AssertReportedAsync("stock never negative", $"/{part}: onHand = -1"));

    [Fact]
    public async Task Stock_reserved_beyond_on_hand_is_reported() =>
        await WithLevelAsync(onHand: 1, reserved: 2, part => AssertReportedAsync("never reserved beyond what is on hand", $"/{part}: reserved 2 > on hand 1"));

    [Fact]
    public async Task Redis_differing_from_the_ledger_is_reported() =>
        await WithLevelAsync(onHand: 3, reserved: 0, part => AssertReportedAsync("Redis equals the ledger replay", part));

    [Fact]
    public async Task A_reservation_applied_twice_is_reported()
    {
        var reservation = $"R-PLANT-{_id}";
        await PlantMovementAsync("reserved", reservation, "", []);
        await PlantMovementAsync("reserved", reservation, "", []);
        try
        {
            await AssertReportedAsync("no event applied twice (inventory: a reservation", $"{reservation} reserved x2");
        }
        finally
        {
            await Execute("DELETE FROM inventory.movements WHERE centre_id = $1", PlantCentre);
        }
    }

    [Fact]
    public async Task A_serial_received_twice_on_one_reference_is_reported()
    {
        var reference = $"REQ-PLANT-{_id}";
        await PlantMovementAsync("received", "", reference, [$"SN-{_id}"]);
        await PlantMovementAsync("received", "", reference, [$"SN-{_id}"]);
        try
        {
            await AssertReportedAsync("no event applied twice (inventory: a serial", $"{reference} received SN-{_id} x2");
        }
        finally
        {
            await Execute("DELETE FROM inventory.movements WHERE centre_id = $1", PlantCentre);
        }
    }

    [Fact]
    public async Task A_serial_on_hand_at_two_centres_is_reported() =>
        await WithSerialsAsync([("A", "serials", "A-01"), ("B", "serials", "A-01")],
            () => AssertReportedAsync("a serial is held at one centre at most", $"BRD-{_id}/SN-{_id}: on-hand at {PlantCentre}-A, on-hand at {PlantCentre}-B"));

    [Fact]
    public async Task A_serial_on_hand_where_custody_says_otherwise_is_reported() =>
        await WithSerialsAsync([("A", "serials", "A-01")],
            () => AssertReportedAsync("custody agrees where inventory holds a serial on hand", $"SN-{_id} on hand at {PlantCentre}-A but custody says (unknown)"));

    [Fact]
    public async Task Checking_some_centres_reports_what_concerns_them_and_nothing_of_the_others() =>
        await WithSerialsAsync([("A", "serials", "A-01")], async () =>
        {
            var custody = $"SN-{_id} on hand at {PlantCentre}-A but custody says (unknown)";
            var others = await CheckAsync(centres: [$"{PlantCentre}-B"]);
            Assert.DoesNotContain(others, v => v.ToString().Contains(custody, StringComparison.Ordinal));
            var mine = await CheckAsync(centres: [$"{PlantCentre}-A"]);
            Assert.Contains(mine, v => v.ToString().Contains(custody, StringComparison.Ordinal));
        });

    [Fact]
    public async Task A_quarantined_unit_without_its_return_is_reported() =>
        await WithSerialsAsync([("A", "faulty", "quarantined")],
            () => AssertReportedAsync("every faulty or quarantined unit has its return", $"BRD-{_id}/SN-{_id} is quarantined at {PlantCentre}-A"));

    [Fact]
    public async Task An_installed_request_without_its_return_is_reported() =>
        await WithRequestAsync("Installed", id => AssertReportedAsync("every swap has a return", $"{id} (Installed) has no return"));

    [Fact]
    public async Task A_return_past_due_and_not_flagged_overdue_is_reported()
    {
        // The overdue job skips a locked return (FOR UPDATE SKIP LOCKED): holding its lock keeps the flag down while the checker looks.
        await using var conn = await stack.Database.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        string id;
        for (var attempt = 1; ; attempt++)
        {
            id = $"RET-PLANT-{_id}-{attempt}";
            await Execute(
                """
                INSERT INTO returns.returns (return_id, kind, request_id, doa_claim_id, engineer_id, centre_id, part_number, serial, state,
                    opened_at, due_at, unreturned_at, overdue, escalated, unreturned, version, document)
                VALUES ($1, 'swap', $2, '', 'eng-plant', $3, $4, $5, 'Open', now() - interval '11 days', now() - interval '1 day',
                    now() + interval '19 days', false, false, false, 1, '{}')
                """, id, $"REQ-PLANT-{_id}", PlantCentre, $"BRD-{_id}", $"SN-{_id}");
            await using var lockRow = new NpgsqlCommand("SELECT 1 FROM returns.returns WHERE return_id = $1 AND NOT overdue FOR UPDATE", conn, tx) { Parameters = { new() { Value = id } } };
            if (await lockRow.ExecuteScalarAsync() is not null) break;
            await Execute("DELETE FROM returns.returns WHERE return_id = $1", id); // the job was quicker: plant another
        }
        try
        {
            await AssertReportedAsync("every swap has a return received or flagged", $"{id} due ");
        }
        finally
        {
            await using var delete = new NpgsqlCommand("DELETE FROM returns.returns WHERE return_id = $1", conn, tx) { Parameters = { new() { Value = id } } };
            await delete.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
    }

    [Fact]
    public async Task A_delivered_request_without_a_signed_receipt_is_reported() =>
        await WithRequestAsync("Delivered", id => AssertReportedAsync("every Delivered or later request has a current signed receipt", $"{id} (Delivered)"));

    [Fact]
    public async Task A_delivered_request_whose_receipt_was_superseded_without_its_serial_is_reported()
    {
        var id = $"REQ-PLANT-{_id}";
        await PlantRequestAsync(id, "Delivered");
        await PlantShipmentAsync(id, [$"SN-{_id}"]);
        await PlantReceiptAsync($"RCP-{_id}-1", id, [$"SN-{_id}"]);
        await PlantReceiptAsync($"RCP-{_id}-2", id, []);
        await Execute("UPDATE receipts.receipts SET superseded_by = $2, superseded_at = now() WHERE receipt_id = $1", $"RCP-{_id}-1", $"RCP-{_id}-2");
        try
        {
            await AssertReportedAsync("every Delivered or later request has a current signed receipt", $"{id} (Delivered) has no current signed receipt for SN-{_id}");
        }
        finally
        {
            await RemoveReceiptsAsync(id);
            await Execute("DELETE FROM requests.part_requests WHERE request_id = $1", id);
        }
    }

    [Fact]
    public async Task An_approved_doa_claim_without_its_replacement_request_is_reported()
    {
        var claim = $"DOA-PLANT-{_id}";
        await Execute(
            """
            INSERT INTO doa.doa_claims (claim_id, part_number, serial, request_id, state, filed_by, engineer_id, filed_at, document)
            VALUES ($1, $2, $3, $4, 'Approved', 'dm-plant', 'eng-plant', now(), '{}')
            """, claim, $"BRD-{_id}", $"SN-{_id}", $"REQ-PLANT-{_id}");
        try
        {
            await AssertReportedAsync("every approved DOA claim has its replacement request", $"{claim} (Approved) has no replacement request");
        }
        finally
        {
            await Execute("DELETE FROM doa.doa_claims WHERE claim_id = $1", claim);
        }
    }

    [Fact]
    public async Task A_serial_accepted_on_two_current_receipts_of_one_reference_is_reported()
    {
        var id = $"REQ-PLANT-{_id}";
        await PlantShipmentAsync(id, [$"SN-{_id}"]);
        await PlantReceiptAsync($"RCP-{_id}-1", id, [$"SN-{_id}"]);
        await PlantReceiptAsync($"RCP-{_id}-2", id, [$"SN-{_id}"]);
        try
        {
            await AssertReportedAsync("signed receipts never change", $"{id} SN-{_id} x2");
        }
        finally
        {
            await RemoveReceiptsAsync(id);
        }
    }

    // ---- planting

    /// <summary>A centre nobody else uses; the checker reads Redis and the ledger whole, the gateway for defined centres only.</summary>
    private string PlantCentre => $"PLANT-{_id}";

    private async Task<IReadOnlyList<InvariantViolation>> CheckAsync(IReadOnlyCollection<string>? centres = null)
    {
        var token = await InvariantChecker.DevTokenAsync(stack.Stack.GatewayHttp);
        return await new InvariantChecker(stack.Stack.PostgresConnectionString, stack.Stack.Redis.ConnectionString, stack.Stack.GatewayHttp, token)
            { Centres = centres?.ToHashSet(StringComparer.Ordinal) }
            .CheckAsync(TimeSpan.FromSeconds(3));
    }

    private async Task AssertReportedAsync(string invariant, string detail)
    {
        var violations = await CheckAsync();
        Assert.True(violations.Any(v => v.Invariant.StartsWith(invariant, StringComparison.Ordinal) && v.ToString().Contains(detail, StringComparison.Ordinal)),
            $"expected '{invariant}' naming '{detail}'; the checker reported:\n" + string.Join("\n", violations));
    }

    /// <summary>A level planted in Redis at a defined centre (the checker reads stock and reconciles through the gateway).</summary>
    private async Task WithLevelAsync(int onHand, int reserved, Func<string, Task> assert)
    {
        using var admin = await stack.RestAsAsync("admin1", "admin");
        var centre = PlantCentre;
        await Flow.Ok(await admin.PutAsJsonAsync($"/api/v1/centres/{centre}", new { name = "Planted violations", bins = new[] { "A-01" } }));
        var part = $"BRD-{_id}";
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.Stack.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var level = $"inv:{{{centre}}}:level:{part}";
        await db.HashSetAsync(level, [new("on_hand", onHand), new("reserved", reserved), new("in_transit", 0), new("faulty", 0), new("quarantined", 0)]);
        await db.SortedSetAddAsync($"inv:{{{centre}}}:parts", part, 0);
        try
        {
            await assert(part);
        }
        finally
        {
            await db.KeyDeleteAsync([level, $"inv:{{{centre}}}:parts"]);
        }
    }

    /// <summary>Serial SN-id of part BRD-id planted in Redis at centres PLANT-id-A/-B: (centre suffix, hash, value).</summary>
    private async Task WithSerialsAsync((string Centre, string Hash, string Value)[] plants, Func<Task> assert)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(stack.Stack.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var keys = plants.Select(p => (RedisKey)$"inv:{{{PlantCentre}-{p.Centre}}}:{p.Hash}:BRD-{_id}").ToArray();
        for (var i = 0; i < plants.Length; i++) await db.HashSetAsync(keys[i], $"SN-{_id}", plants[i].Value);
        try
        {
            await assert();
        }
        finally
        {
            await db.KeyDeleteAsync(keys);
        }
    }

    private async Task WithRequestAsync(string state, Func<string, Task> assert)
    {
        var id = $"REQ-PLANT-{_id}";
        await PlantRequestAsync(id, state);
        try
        {
            await assert(id);
        }
        finally
        {
            await Execute("DELETE FROM requests.part_requests WHERE request_id = $1", id);
        }
    }

    private Task PlantRequestAsync(string id, string state) => Execute(
        """
        INSERT INTO requests.part_requests (request_id, engineer_id, state, centre_id, part_number, submitted_at, ship_by, deliver_by, version, document)
        VALUES ($1, 'eng-plant', $2, $3, $4, now(), now(), now(), 1, '{}')
        """, id, state, PlantCentre, $"BRD-{_id}");

    private Task PlantMovementAsync(string kind, string reservationId, string reference, string[] serials) => Execute(
        """
        INSERT INTO inventory.movements (movement_id, centre_id, part_number, kind, serials, quantity, d_on_hand, d_reserved, d_in_transit,
            d_faulty, d_quarantined, reference, reservation_id, occurred_at, document, stream_id)
        VALUES ($1, $2, $3, $4, $5, 1, 0, 0, 0, 0, 0, $6, $7, now(), '{}', '0-1')
        """, Guid.NewGuid(), PlantCentre, $"BRD-{_id}", kind, serials, reference, reservationId);

    private Task PlantShipmentAsync(string reference, string[] serials) => Execute(
        """
        INSERT INTO receipts.shipments (reference, kind, addressed_to, addressed_to_centre, handed_over_by, centre_id, part_number, site_id,
            serials, quantity, faulty, doa_claim_id, shipped_at)
        VALUES ($1, 'centre-to-engineer', 'eng-plant', false, 'wh-plant', $2, $3, 'SITE-PLANT', $4, $5, false, '', now())
        """, reference, PlantCentre, $"BRD-{_id}", serials, serials.Length);

    private Task PlantReceiptAsync(string receiptId, string reference, string[] accepted) => Execute(
        """
        INSERT INTO receipts.receipts (receipt_id, reference, kind, handed_over_by, received_by, signed_at, serials, quantity, outer_intact,
            esd_bag_sealed, condition, note, dead_on_arrival, accepted_serials, accepted_quantity, discrepancies, missing_serials,
            outstanding_serials, newly_signed_serials, newly_signed_quantity, withdrawn_serials)
        VALUES ($1, $2, 'centre-to-engineer', 'wh-plant', 'eng-plant', now(), $3, $4, true, true, 'ok', '', false, $3, $4, '[]', '{}', '{}', $3, $4, '{}')
        """, receiptId, reference, accepted, accepted.Length);

    /// <summary>Signed receipts are guarded by triggers; the plant goes with the triggers off for this session only.</summary>
    private async Task RemoveReceiptsAsync(string reference)
    {
        await using var conn = await stack.Database.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(
            """
            SET session_replication_role = replica;
            UPDATE receipts.receipts SET superseded_by = NULL, superseded_at = NULL WHERE reference = $1;
            DELETE FROM receipts.receipts WHERE reference = $1;
            DELETE FROM receipts.shipments WHERE reference = $1;
            RESET session_replication_role;
            """.Replace("$1", "@reference"), conn) { Parameters = { new("reference", reference) } };
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task Execute(string sql, params object[] args)
    {
        await using var cmd = stack.Database.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        await cmd.ExecuteNonQueryAsync();
    }
}
