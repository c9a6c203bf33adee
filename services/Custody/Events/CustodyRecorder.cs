using Logistics.Custody.Data;
using Logistics.Custody.Domain;
using Npgsql;

namespace Logistics.Custody.Events;

/// <summary>
/// Writes what an integration event means for custody, inside the inbox transaction that handles it:
/// each serial is locked (in serial order, so two events never deadlock), each new custody event gets the serial's
/// next sequence and is appended, and the serial's state moves on. An event that comes last in business order is
/// applied to the stored state; one that arrives late (earlier than the latest), a correction, or an event a stored
/// correction already names makes the serial's chain replay from its events. Anomalies are recorded and published once each.
/// </summary>
public sealed class CustodyRecorder(TimeProvider clock)
{
    public async Task RecordAsync(NpgsqlTransaction tx, Translation translation, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var serial in translation.SerialsTouched)
        {
            var row = await CustodyLedger.LockSerialAsync(tx, serial, ct);
            foreach (var withdrawal in translation.Withdrawals.Where(w => w.Serial == serial))
            {
                foreach (var wrong in await CustodyLedger.FindAsync(tx, serial, withdrawal.WrongReference, withdrawal.Step, ct))
                    row = await AppendAsync(tx, row, Corrections.Void(wrong, withdrawal.CorrectionReference, withdrawal.At, withdrawal.SourceEventId), now, ct);
            }
            foreach (var e in translation.Events.Where(e => e.Serial == serial))
                row = await AppendAsync(tx, row, e, now, ct);
            foreach (var claim in translation.PresenceClaims.Where(p => p.Serial == serial))
            {
                if (SerialChain.CheckPresence(row?.State, claim.Serial, claim.Party, claim.Location, claim.Reference) is { } anomaly)
                    await CustodyEvents.AnomalyDetectedAsync(tx, anomaly, now, ct);
            }
        }

        foreach (var anomaly in translation.Anomalies) await CustodyEvents.AnomalyDetectedAsync(tx, anomaly, now, ct);
        foreach (var pair in translation.Pairs) await CustodyLinks.AddPairAsync(tx, pair, ct);
        foreach (var unit in translation.DoaDeadUnits) await CustodyLinks.AddDoaUnitAsync(tx, unit, dead: true, ct);
        foreach (var unit in translation.DoaReplacements) await CustodyLinks.AddDoaUnitAsync(tx, unit, dead: false, ct);
        foreach (var swap in translation.SwapsAwaitingReturn) await CustodyLinks.AddSwapAwaitingReturnAsync(tx, swap, ct);
        foreach (var opened in translation.ReturnsOpened) await CustodyLinks.AddReturnOpenedAsync(tx, opened, ct);
    }

    /// <summary>Appends one event to a locked serial; returns the serial's row after it (unchanged for an event stored before).</summary>
    private static async Task<SerialRow?> AppendAsync(NpgsqlTransaction tx, SerialRow? row, CustodyEvent e, DateTimeOffset now, CancellationToken ct)
    {
        if (await CustodyLedger.ExistsAsync(tx, e.EventId, ct)) return row; // redelivered: the unique event id already holds it

        var stored = e with { Sequence = row?.NextSequence ?? 1 };
        await CustodyLedger.AppendAsync(tx, stored, ct);

        var last = row is null || (stored.OccurredAt >= row.LastEventAt && !stored.IsCorrection && !await CustodyLedger.IsCorrectedAsync(tx, stored.EventId, ct));
        SerialState state;
        IReadOnlyList<DetectedAnomaly> anomalies;
        if (last)
        {
            // The usual case: the event comes last in business order, so it is checked against and applied to the stored state.
            anomalies = SerialChain.Check(row?.State, stored) is { } anomaly ? [anomaly] : [];
            state = SerialChain.Apply(row?.State, stored);
        }
        else
        {
            // Late or correcting: the chain is replayed in business order (a serial has tens of events, not millions).
            var chain = SerialChain.Replay(await CustodyLedger.ReadAllAsync(tx, e.Serial, ct));
            state = chain.State ?? new SerialState(e.Serial, e.PartNumber, "", "", null, "", "");
            anomalies = chain.Anomalies; // those found before are recognised by their id
            // A break found while an earlier event was still missing may be gone now that the chain is in business
            // order: it is withdrawn, so the open anomalies are the same whatever order the events came in.
            await CustodyEvents.ChainBreaksWithdrawnAsync(tx, e.Serial, anomalies.Select(a => a.AnomalyId).ToList(), now, ct);
        }

        var next = new SerialRow(state, stored.Sequence + 1,
            row is null || stored.OccurredAt > row.LastEventAt ? stored.OccurredAt : row.LastEventAt, (row?.Events ?? 0) + 1);
        await CustodyLedger.SaveSerialAsync(tx, next, ct);
        foreach (var anomaly in anomalies) await CustodyEvents.AnomalyDetectedAsync(tx, anomaly, now, ct);
        return next;
    }
}
