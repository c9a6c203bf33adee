namespace Logistics.Security.Tests;

/// <summary>The invariants on quarantined units' dispositions, each planted and reported.</summary>
public sealed partial class InvariantCheckerTests
{
    [Fact]
    public async Task A_unit_leaving_the_quarantine_more_often_than_it_entered_is_reported()
    {
        const string leaves = """{"serialMoves":[{"serial":"SN-X","from":"quarantined","to":"none","bin":""}]}""";
        await PlantMovementDocumentAsync("written-off", leaves.Replace("SN-X", $"SN-{_id}", StringComparison.Ordinal));
        await PlantMovementDocumentAsync("returned-to-supplier", leaves.Replace("SN-X", $"SN-{_id}", StringComparison.Ordinal));
        await PlantMovementDocumentAsync("quarantined", """{"serialMoves":[{"serial":"SN-X","from":"faulty","to":"quarantined","bin":""}]}""".Replace("SN-X", $"SN-{_id}", StringComparison.Ordinal));
        try
        {
            await AssertReportedAsync("no unit leaves quarantine twice", $"{PlantCentre}/BRD-{_id}/SN-{_id} left the quarantine 2 times, entered it 1");
        }
        finally
        {
            await Execute("DELETE FROM inventory.movements WHERE centre_id = $1", PlantCentre);
        }
    }

    [Fact]
    public async Task A_disposition_carried_out_without_its_movement_is_reported()
    {
        await PlantDispositionAsync("scrap", "WrittenOff");
        try
        {
            await AssertReportedAsync("no unit leaves quarantine twice", $"DSP-PLANT-{_id} (scrap, WrittenOff) of SN-{_id} has 0 movements out of the quarantine");
        }
        finally
        {
            await Execute("DELETE FROM inventory.dispositions WHERE disposition_id = $1", $"DSP-PLANT-{_id}");
        }
    }

    [Fact]
    public async Task A_unit_at_a_repairer_and_also_held_by_a_centre_is_reported()
    {
        await PlantDispositionAsync("repair", "Sent");
        try
        {
            await WithSerialsAsync([("A", "serials", "A-01")], () => AssertReportedAsync("every unit is in exactly one place",
                $"BRD-{_id}/SN-{_id} is at repairer REP-PLANT (DSP-PLANT-{_id}) but also on-hand at {PlantCentre}-A"));
        }
        finally
        {
            await Execute("DELETE FROM inventory.dispositions WHERE disposition_id = $1", $"DSP-PLANT-{_id}");
        }
    }

    private Task PlantMovementDocumentAsync(string kind, string document) => Execute(
        """
        INSERT INTO inventory.movements (movement_id, centre_id, part_number, kind, serials, quantity, d_on_hand, d_reserved, d_in_transit,
            d_faulty, d_quarantined, reference, reservation_id, occurred_at, document, stream_id)
        VALUES ($1, $2, $3, $4, $5, 1, 0, 0, 0, 0, 0, '', '', now(), $6::jsonb, '0-1')
        """, Guid.NewGuid(), PlantCentre, $"BRD-{_id}", kind, new[] { $"SN-{_id}" }, document);

    private Task PlantDispositionAsync(string kind, string state) => Execute(
        """
        INSERT INTO inventory.dispositions (disposition_id, centre_id, part_number, serial, kind, state, proposed_by, proposed_at, updated_at, document)
        VALUES ($1, $2, $3, $4, $5, $6, 'wh-plant', now(), now(), jsonb_build_object('repairer', 'REP-PLANT', 'supplier', 'SUP-PLANT'))
        """, $"DSP-PLANT-{_id}", PlantCentre, $"BRD-{_id}", $"SN-{_id}", kind, state);
}
