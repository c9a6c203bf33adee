using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain.Counts;

/// <summary>
/// Where a stock count stands (docs/state-machines.md "Stock count": <c>Requested → Counting → Counted → (Recounting) → ReadyToReview →
/// Completed | Cancelled</c>). The transitions, each made by one method of <see cref="StockCount"/>:
/// <list type="table">
/// <item><term>(none) → Requested</term><description><see cref="StockCount.Open"/>: the scope is fixed, nothing is snapshotted yet.</description></item>
/// <item><term>Requested → Counting</term><description><see cref="StockCount.Start"/>: the expected lines are snapshotted.</description></item>
/// <item><term>Counting → Counted → Recounting | ReadyToReview</term><description><see cref="StockCount.Close"/>: every line is
/// counted; the count passes through Counted (recorded in <see cref="StockCount.History"/>) and goes on at once to Recounting
/// when a line is stale or beyond tolerance, else to ReadyToReview. Counted is never a resting state.</description></item>
/// <item><term>Recounting → ReadyToReview</term><description><see cref="StockCount.Close"/> again, once every line that needs it is recounted.</description></item>
/// <item><term>ReadyToReview → Completed</term><description><see cref="StockCount.Approve"/>: returns the adjustments to post.</description></item>
/// <item><term>any state but Completed → Cancelled</term><description><see cref="StockCount.Cancel"/>.</description></item>
/// </list>
/// Completed and Cancelled are final: every command is refused after them (an approval retried by its approver on a
/// Completed count returns the same adjustments and changes nothing).
/// </summary>
public enum CountState
{
    Requested,
    Counting,
    Counted,
    Recounting,
    ReadyToReview,
    Completed,
    Cancelled,
}

/// <summary>
/// A stock count of bins or parts at one centre (docs/domain.md "Stock count"). A plain class: each command checks
/// everything first and then changes the count, or throws and changes nothing. No I/O and no clock: times are passed in.
/// Lines are kept in a dictionary keyed by (bin, part) with an index by part, so a count of 100,000 lines costs
/// O(batch) per submitted batch and O(lines) to close or approve.
/// </summary>
public sealed class StockCount
{
    private const int Examples = 5;

    private Dictionary<CountLineKey, CountLine> _lines = [];
    private readonly Dictionary<string, List<CountLine>> _linesByPart = new(StringComparer.Ordinal);
    private readonly HashSet<string> _counters = new(StringComparer.Ordinal);
    private readonly HashSet<string> _partsMovedInUnknownBin = new(StringComparer.Ordinal);
    private readonly List<CountTransition> _history = [];

    private StockCount(string countId, CountScope scope, bool blind, CountPolicy policy, string requestedBy, DateTimeOffset requestedAt)
    {
        CountId = countId;
        Scope = scope;
        Blind = blind;
        Policy = policy;
        RequestedBy = requestedBy;
        RequestedAt = requestedAt;
    }

    public string CountId { get; }
    public CountScope Scope { get; }
    public string CentreId => Scope.CentreId;

    /// <summary>Counters never see expected values while the count is blind (see <see cref="CanSeeExpected"/>).</summary>
    public bool Blind { get; }

    /// <summary>The settings the count was opened with; they stay for its whole life.</summary>
    public CountPolicy Policy { get; }

    public CountState State { get; private set; } = CountState.Requested;
    public string RequestedBy { get; }
    public DateTimeOffset RequestedAt { get; }
    public DateTimeOffset? StartedAt { get; private set; }
    public string? ApprovedBy { get; private set; }
    public DateTimeOffset? ApprovedAt { get; private set; }
    public string? CancelledBy { get; private set; }
    public DateTimeOffset? CancelledAt { get; private set; }

    /// <summary>Not Completed nor Cancelled: an open count blocks overlapping counts.</summary>
    public bool IsOpen => State is not (CountState.Completed or CountState.Cancelled);

    /// <summary>The expected lines have been snapshotted (counting started).</summary>
    public bool HasSnapshot => StartedAt is not null;

    /// <summary>Whether the count reached ReadyToReview (it may have been cancelled since).</summary>
    public bool ReachedReview { get; private set; }

    public int NumberOfLines => _lines.Count;

    /// <summary>Everyone who submitted a count for any line of this count (corrections and voided recounts included): none of them may approve it.</summary>
    public IReadOnlyCollection<string> Counters => _counters;

    public IReadOnlyList<CountTransition> History => _history;

    // ---------------------------------------------------------------- open, overlap

    /// <summary>
    /// A new count, Requested. <paramref name="blind"/> null takes the policy's default (blind). Refuses a malformed
    /// count id or requester (<c>count_id</c>, <c>requested_by</c>) and an incoherent policy. Overlap with other open
    /// counts is checked by the caller with <see cref="RequireNoOverlap"/>, which sees them.
    /// </summary>
    public static StockCount Open(string? countId, CountScope scope, bool? blind, string? requestedBy, CountPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(policy);
        var id = Require.Code(countId, "count_id", 64);
        var by = Require.Text(requestedBy, "requested_by", 100);
        var settings = policy.Validated();
        return new StockCount(id, scope, blind ?? settings.BlindByDefault, settings, by, now);
    }

    /// <summary>
    /// Whether two open counts of the same centre could count the same (bin, part):
    /// <list type="bullet">
    /// <item>bins vs bins: they share a bin;</item>
    /// <item>parts vs parts: they share a part number;</item>
    /// <item>bins vs parts: a line of one has a bin or part the other covers, judged on the snapshot lines of whichever
    /// has them; when neither has its snapshot yet they overlap (conservatively).</item>
    /// </list>
    /// A count never overlaps itself, a count of another centre, or a Completed or Cancelled count.
    /// </summary>
    public static bool Overlaps(StockCount a, StockCount b) => OverlapOf(a, b) is not null;

    /// <summary>Refuses (RuleViolationException, naming the other count and what both could count) when <paramref name="count"/> overlaps any of <paramref name="others"/>.</summary>
    public static void RequireNoOverlap(StockCount count, IEnumerable<StockCount> others)
    {
        foreach (var other in others)
        {
            if (OverlapOf(count, other) is { } what)
                throw new RuleViolationException(
                    $"count {count.CountId} overlaps open count {other.CountId} ({other.State}) at centre {count.CentreId}: " +
                    $"both could count {what}; two open counts may not count the same bin and part");
        }
    }

    /// <summary>
    /// Whether this open count could count the line: it lies in the scope. (A find made by one count of a line another
    /// open count covers can be checked against the other counts with this before it is submitted.)
    /// </summary>
    public bool CouldCount(CountLineKey line) => IsOpen && Scope.Covers(line);

    private static string? OverlapOf(StockCount a, StockCount b)
    {
        if (ReferenceEquals(a, b) || a.CountId == b.CountId || !a.IsOpen || !b.IsOpen || a.CentreId != b.CentreId) return null;
        if (a.Scope.Kind == b.Scope.Kind)
        {
            if (a.Scope.Kind == CountScopeKind.Bins)
                return a.Scope.Bins.FirstOrDefault(b.Scope.HasBin) is { } bin ? $"bin {bin}" : null;
            return a.Scope.PartNumbers.FirstOrDefault(b.Scope.HasPart) is { } part ? $"part {part}" : null;
        }

        var (bins, parts) = a.Scope.Kind == CountScopeKind.Bins ? (a, b) : (b, a);
        if (bins.HasSnapshot)
        {
            foreach (var line in bins._lines.Keys)
                if (parts.Scope.HasPart(line.PartNumber)) return $"line {line}";
        }
        if (parts.HasSnapshot)
        {
            foreach (var line in parts._lines.Keys)
                if (!line.IsWholeCentre && bins.Scope.HasBin(line.Bin)) return $"line {line}";
        }
        return bins.HasSnapshot || parts.HasSnapshot
            ? null
            : $"any part of bins {Summary(bins.Scope.Bins)} (neither count has its snapshot yet)";
    }

    // ---------------------------------------------------------------- start

    /// <summary>
    /// Requested → Counting: snapshots the expected lines. A serialized part has one line per (bin, part) with its
    /// serials; a quantity-tracked part one line per part with bin "" (the whole centre), and only in a parts-scoped
    /// count. Refuses (field <c>snapshot</c>) a malformed line, a line outside the scope, a line twice, a part given
    /// both ways; and any state but Requested.
    /// </summary>
    public void Start(IReadOnlyList<ExpectedLine> snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        RequireState(CountState.Requested, "only a Requested count can start counting");
        // Built aside and swapped in, so a refused snapshot leaves the count as it was.
        var lines = new Dictionary<CountLineKey, CountLine>(snapshot.Count);
        var trackingByPart = new Dictionary<string, CountTracking>(StringComparer.Ordinal);
        foreach (var expected in snapshot)
        {
            var (key, tracking, quantity, serials) = CheckExpected(expected);
            if (trackingByPart.TryGetValue(key.PartNumber, out var known) && known != tracking)
                throw new InvalidFieldException("snapshot", $"part {key.PartNumber} is listed both by serial and by quantity");
            trackingByPart[key.PartNumber] = tracking;
            var line = new CountLine(key, tracking, unexpected: false);
            line.Expect(quantity, serials);
            if (!lines.TryAdd(key, line)) throw new InvalidFieldException("snapshot", $"line {key} is listed twice");
        }

        _lines = lines;
        foreach (var line in lines.Values) IndexByPart(line);
        StartedAt = now;
        MoveTo(CountState.Counting, now, null);
    }

    private (CountLineKey Key, CountTracking Tracking, long Quantity, IReadOnlyList<string> Serials) CheckExpected(ExpectedLine? expected)
    {
        if (expected is null) throw new InvalidFieldException("snapshot", "contains an empty line");
        var part = Require.Code(expected.PartNumber, "snapshot", CataloguePart.MaxPartNumberLength);
        if (expected.ExpectedQuantity < 0)
            throw new InvalidFieldException("snapshot", $"line ({expected.Bin}, {part}) expects {expected.ExpectedQuantity}; an expected quantity cannot be negative");
        switch (expected.Tracking)
        {
            case CountTracking.Quantity:
            {
                var key = new CountLineKey(CountLineKey.WholeCentre, part);
                if (!string.IsNullOrEmpty(expected.Bin))
                    throw new InvalidFieldException("snapshot", $"part {part} is tracked by quantity, which is kept for the whole centre: its line has bin \"\", not '{expected.Bin}'");
                if (expected.ExpectedSerials is { Count: > 0 })
                    throw new InvalidFieldException("snapshot", $"line {key}: part {part} is tracked by quantity; it has no serials");
                RequireInScope(key, "snapshot");
                return (key, CountTracking.Quantity, expected.ExpectedQuantity, []);
            }
            case CountTracking.Serialized:
            {
                var bin = Require.Code(expected.Bin, "snapshot");
                var key = new CountLineKey(bin, part);
                RequireInScope(key, "snapshot");
                var serials = CountLine.SortedSerials(expected.ExpectedSerials ?? [], "snapshot",
                    serial => throw new InvalidFieldException("snapshot", $"line {key}: serial '{serial}' is listed twice"));
                if (serials.Count != expected.ExpectedQuantity)
                    throw new InvalidFieldException("snapshot", $"line {key} expects {expected.ExpectedQuantity} but lists {serials.Count} serials; a serialized line expects exactly its serials");
                return (key, CountTracking.Serialized, expected.ExpectedQuantity, serials);
            }
            default:
                throw new InvalidFieldException("snapshot", $"line ({expected.Bin}, {part}) has no tracking");
        }
    }

    // ---------------------------------------------------------------- submit

    /// <summary>
    /// Records a batch of counted lines by <paramref name="counter"/>, all or nothing (the whole batch is checked
    /// before any line is recorded).
    /// <para>While Counting (first count): any line inside the scope; a (bin, part) with no expected line becomes a new
    /// line expecting 0 (an unexpected find). Resubmitting a line by its counter replaces their count (a correction
    /// before close); a line counted by someone else is refused (NotAllowedException).</para>
    /// <para>While Recounting: only lines that need a recount, by someone other than their first counter
    /// (NotAllowedException), and a stale line only after <see cref="Resnapshot"/>. Resubmitting by the recounter replaces
    /// their recount. No new line can be added (a find made now belongs in a new count).</para>
    /// Refuses naming the field: a (bin, part) outside the scope (<c>bin</c> or <c>part_number</c>); a negative
    /// <c>counted_quantity</c>; a serialized line whose counted quantity differs from its distinct serials seen; a
    /// malformed serial or serials on a quantity-tracked line (<c>serials_seen</c>); a line twice in the batch, an empty or
    /// oversized batch (<c>lines</c>); a bin given for a quantity-tracked part or a whole-centre line for a serialized one.
    /// </summary>
    public void SubmitLines(IReadOnlyList<LineCount> lines, string counter, DateTimeOffset now)
    {
        if (State is not (CountState.Counting or CountState.Recounting))
            throw new RuleViolationException($"count {CountId} is {State}; lines are submitted only while it is Counting or Recounting");
        var by = Require.Text(counter, "counter", 100);
        if (lines is null || lines.Count == 0) throw new InvalidFieldException("lines", "submit at least one line");
        if (lines.Count > Policy.MaxLinesPerBatch)
            throw new InvalidFieldException("lines", $"at most {Policy.MaxLinesPerBatch} lines in one batch (got {lines.Count})");

        var recounting = State == CountState.Recounting;
        var plan = new List<(CountLineKey Key, CountLine? Existing, CountTracking Tracking, LineTally Tally)>(lines.Count);
        var inBatch = new HashSet<CountLineKey>(lines.Count);
        Dictionary<string, CountTracking>? newPartsTracking = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var submitted = lines[i] ?? throw new InvalidFieldException("lines", $"line {i + 1} of the batch is empty");
            var part = StockFields.PartNumber(submitted.PartNumber);
            var bin = string.IsNullOrEmpty(submitted.Bin) ? CountLineKey.WholeCentre : StockFields.Bin(submitted.Bin);
            var key = new CountLineKey(bin, part);
            RequireInScope(key, field: null);
            if (!inBatch.Add(key)) throw new InvalidFieldException("lines", $"{key} is listed twice in the batch");
            if (submitted.CountedQuantity < 0)
                throw new InvalidFieldException("counted_quantity", $"{key}: cannot be negative (was {submitted.CountedQuantity})");
            if (submitted.CountedQuantity > Quantities.MaxPerLine)
                throw new InvalidFieldException("counted_quantity",
                    $"{key}: must be at most {Quantities.MaxPerLine.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} per line (was {submitted.CountedQuantity})");

            _lines.TryGetValue(key, out var existing);
            var tracking = existing?.Tracking ?? (key.IsWholeCentre ? CountTracking.Quantity : CountTracking.Serialized);
            if (existing is null)
            {
                var known = _linesByPart.TryGetValue(part, out var ofPart) ? ofPart[0].Tracking : (CountTracking?)null;
                if (known is null && newPartsTracking?.TryGetValue(part, out var inThisBatch) == true) known = inThisBatch;
                if (known is { } other && other != tracking)
                    throw new InvalidFieldException("bin", other == CountTracking.Quantity
                        ? $"{key}: part {part} is tracked by quantity, kept for the whole centre; count it with bin \"\", not by bin"
                        : $"{key}: part {part} is tracked by serial number, kept bin by bin; count it in its bin, not for the whole centre");
                (newPartsTracking ??= new(StringComparer.Ordinal))[part] = tracking;
            }

            var serials = CheckSerials(submitted, key, tracking);
            RequireMayCount(key, existing, by, recounting);
            plan.Add((key, existing, tracking, new LineTally(by, submitted.CountedQuantity, serials, now)));
        }

        foreach (var (key, existing, tracking, tally) in plan)
        {
            var line = existing ?? NewFind(key, tracking);
            if (recounting) line.Recount = tally;
            else line.First = tally;
        }
        _counters.Add(by);
    }

    private IReadOnlyList<string> CheckSerials(LineCount submitted, CountLineKey key, CountTracking tracking)
    {
        var raw = submitted.SerialsSeen ?? [];
        if (tracking == CountTracking.Quantity)
        {
            if (raw.Count > 0)
                throw new InvalidFieldException("serials_seen", $"{key}: part {key.PartNumber} is tracked by quantity; no serials are scanned");
            return [];
        }

        var serials = CountLine.SortedSerials(raw, "serials_seen", twice: null); // a serial scanned twice counts once
        if (serials.Count > Policy.MaxSerialsPerLine)
            throw new InvalidFieldException("serials_seen", $"{key}: at most {Policy.MaxSerialsPerLine} serials in one line");
        if (serials.Count != submitted.CountedQuantity)
            throw new InvalidFieldException("counted_quantity",
                $"{key}: {submitted.CountedQuantity} counted but {serials.Count} distinct serials seen; a serialized part is counted by its serials");
        return serials;
    }

    private void RequireMayCount(CountLineKey key, CountLine? line, string counter, bool recounting)
    {
        if (!recounting)
        {
            if (line?.First is { } first && first.CountedBy != counter)
                throw new NotAllowedException($"{key} was counted by {first.CountedBy}; only they can correct it before the count is closed");
            return;
        }

        if (line is null)
            throw new RuleViolationException(
                $"{key} is not a line of count {CountId}; while Recounting only lines that need a recount are submitted (record a find in a new count)");
        if (line.RecountReason is null)
            throw new RuleViolationException($"{key} does not need a recount; while Recounting only lines that need a recount are submitted");
        if (line.First?.CountedBy == counter)
            throw new NotAllowedException($"{key} was first counted by {counter}; a recount is made by someone else");
        if (line.Stale)
            throw new RuleViolationException($"{key} is stale: its stock moved during the count; re-snapshot its expected quantity before recounting it");
        if (line.Recount is { } recount && recount.CountedBy != counter)
            throw new NotAllowedException($"{key} was recounted by {recount.CountedBy}; only they can correct the recount before the count is closed");
    }

    private CountLine NewFind(CountLineKey key, CountTracking tracking)
    {
        var line = AddLine(key, tracking, unexpected: true);
        // Stock of the part moved somewhere unknown during counting: this find may be that stock.
        line.Stale = _partsMovedInUnknownBin.Contains(key.PartNumber);
        return line;
    }

    // ---------------------------------------------------------------- stale, resnapshot

    /// <summary>
    /// A stock movement touched <paramref name="partNumber"/> in <paramref name="bin"/> ("" for a quantity-tracked part,
    /// or when the bin is unknown: every line of the part). Only while Counting or Recounting; in any other state it
    /// changes nothing (before Start nothing is snapshotted; after Close the counts are final and adjustments are
    /// deltas, so later movements stay on top of them). Returns how many lines it marked.
    /// <para>While Counting the line keeps its first count and is recounted after Close. While Recounting the line
    /// needs a recount (again, if it was recounted: the recount is void). Either way a stale line must be re-snapshotted
    /// (<see cref="Resnapshot"/>) before its recount: a counted quantity is never compared with a number that moved.</para>
    /// <para>While Counting, a movement into a bin of the scope without a line creates the line (expecting 0, stale), so a
    /// find there is never compared with a 0 that has moved; a movement of a part in an unknown bin makes any later
    /// find of that part stale too.</para>
    /// </summary>
    public int MarkStale(string? bin, string? partNumber)
    {
        if (State is not (CountState.Counting or CountState.Recounting)) return 0;
        var part = StockFields.PartNumber(partNumber);
        var where = string.IsNullOrEmpty(bin) ? CountLineKey.WholeCentre : StockFields.Bin(bin);
        var ofPart = _linesByPart.GetValueOrDefault(part);

        if (where.Length == 0 || ofPart is [{ Tracking: CountTracking.Quantity }])
        {
            if (State == CountState.Counting && (Scope.Kind == CountScopeKind.Bins || Scope.HasPart(part)))
                _partsMovedInUnknownBin.Add(part);
            if (ofPart is null) return 0;
            foreach (var line in ofPart) Stale(line);
            return ofPart.Count;
        }

        var key = new CountLineKey(where, part);
        if (_lines.TryGetValue(key, out var existing))
        {
            Stale(existing);
            return 1;
        }
        if (State != CountState.Counting || !Scope.Covers(key)) return 0;
        var created = AddLine(key, CountTracking.Serialized, unexpected: true);
        created.Stale = true;
        return 1;
    }

    private void Stale(CountLine line)
    {
        line.Stale = true;
        if (State != CountState.Recounting) return;
        line.RecountReason = RecountReason.Stale;
        line.Recount = null;
    }

    /// <summary>
    /// While Recounting, takes a fresh expected snapshot of a stale line (read from the stock when the line is
    /// recounted); the recount is then compared with it. Refuses a line that is not stale (its snapshot stands), a line
    /// the count does not have, a line outside the scope or malformed, and any state but Recounting.
    /// </summary>
    public void Resnapshot(ExpectedLine expected)
    {
        RequireState(CountState.Recounting, "a stale line is re-snapshotted only while Recounting, when it is recounted");
        var (key, tracking, quantity, serials) = CheckExpected(expected);
        if (!_lines.TryGetValue(key, out var line))
            throw new RuleViolationException($"{key} is not a line of count {CountId}");
        if (line.Tracking != tracking)
            throw new InvalidFieldException("snapshot", $"line {key} is counted by {line.Tracking}, not by {tracking}");
        if (!line.Stale)
            throw new RuleViolationException($"{key} is not stale; its snapshot stands");
        line.Expect(quantity, serials);
        line.Stale = false;
    }

    // ---------------------------------------------------------------- close

    /// <summary>
    /// Ends a counting round.
    /// <para>From Counting: every line must be counted (refused listing how many are not and a few of them). The count
    /// goes through Counted; each line gets its variance (counted − expected; missing and unexpected serials); stale lines
    /// and lines beyond the policy's tolerance need a recount by a different person → Recounting; otherwise →
    /// ReadyToReview.</para>
    /// <para>From Recounting: every line needing a recount must have been recounted (stale ones after a fresh snapshot).
    /// The recount replaces the first count and is accepted as the line's truth even when still beyond tolerance: it goes
    /// to review with its variance, there is no third count → ReadyToReview.</para>
    /// The result names the lines to recount but no variance: the closer is a counter and the count may be blind
    /// (supervisors read variances with <see cref="Review"/>).
    /// </summary>
    public CloseResult Close(DateTimeOffset now)
    {
        switch (State)
        {
            case CountState.Counting:
            {
                var notCounted = _lines.Values.Where(l => l.First is null).Select(l => l.Key).ToList();
                if (notCounted.Count > 0)
                    throw new RuleViolationException(
                        $"count {CountId}: {notCounted.Count} line(s) not counted yet, e.g. {Sample(notCounted)}; count them (or cancel the count) before closing");
                MoveTo(CountState.Counted, now, null);
                var toRecount = new List<RecountRequest>();
                foreach (var line in _lines.Values)
                {
                    line.RecountReason = line.Stale ? RecountReason.Stale
                        : line.WithinTolerance(line.Variance(), Policy) ? (RecountReason?)null
                        : RecountReason.BeyondTolerance;
                    if (line.RecountReason is { } reason) toRecount.Add(new RecountRequest(line.Key, reason, line.First?.CountedBy));
                }
                toRecount.Sort((x, y) => x.Line.CompareTo(y.Line));
                MoveTo(toRecount.Count > 0 ? CountState.Recounting : CountState.ReadyToReview, now, null);
                return new CloseResult(State, toRecount);
            }
            case CountState.Recounting:
            {
                var pending = _lines.Values.Where(l => l.RecountReason is not null && l.Recount is null).ToList();
                if (pending.Count > 0)
                {
                    var examples = pending.Select(l => l.Key).ToList();
                    var stale = pending.Count(l => l.Stale);
                    throw new RuleViolationException(
                        $"count {CountId}: {pending.Count} line(s) still need a recount ({stale} of them stale: re-snapshot, then recount), " +
                        $"e.g. {Sample(examples)}; recount them (or cancel the count) before closing");
                }
                MoveTo(CountState.ReadyToReview, now, null);
                return new CloseResult(State, []);
            }
            default:
                throw new RuleViolationException($"count {CountId} is {State}; only a Counting or Recounting count can be closed");
        }
    }

    // ---------------------------------------------------------------- approve

    /// <summary>
    /// ReadyToReview → Completed: approves the count and returns the adjustments to post (see <see cref="AdjustmentsToPost"/>).
    /// <paramref name="reasonCodes"/> gives a reason per line with a variance (optional; a line without one gets the
    /// policy's default: found when positive, missing when negative, data-entry-error for swapped serials).
    /// Refuses: any state but ReadyToReview (or Completed, below); an approver who counted any line of this count
    /// (NotAllowedException: nobody approves their own count, invariant 7); a reason for a line the count lacks or that
    /// has no variance, or a code outside the policy's list (<c>reason_codes</c>).
    /// <para>On a Completed count, the same approver with the same reasons (a retried call after a crash) gets the same
    /// adjustments back and nothing changes; anyone else, or other reasons, is refused.</para>
    /// </summary>
    public IReadOnlyList<CountAdjustment> Approve(string? approver, IReadOnlyDictionary<CountLineKey, string>? reasonCodes, DateTimeOffset now)
    {
        if (State is not (CountState.ReadyToReview or CountState.Completed))
            throw new RuleViolationException($"count {CountId} is {State}; only a ReadyToReview count can be approved");
        var by = Require.Text(approver, "approver", 100);
        if (_counters.Contains(by))
            throw new NotAllowedException($"nobody approves their own count: {by} counted lines of count {CountId}");
        var reasons = ResolveReasons(reasonCodes);

        if (State == CountState.Completed)
        {
            if (ApprovedBy != by)
                throw new RuleViolationException($"count {CountId} is Completed: it was approved by {ApprovedBy} at {ApprovedAt:O}");
            foreach (var (line, reason) in reasons)
            {
                if (line.ReasonCode != reason)
                    throw new RuleViolationException(
                        $"count {CountId} is Completed: {line.Key} was approved with reason '{line.ReasonCode}', not '{reason}'");
            }
            return AdjustmentsToPost();
        }

        foreach (var (line, reason) in reasons) line.ReasonCode = reason;
        ApprovedBy = by;
        ApprovedAt = now;
        MoveTo(CountState.Completed, now, by);
        return AdjustmentsToPost();
    }

    private List<(CountLine Line, string Reason)> ResolveReasons(IReadOnlyDictionary<CountLineKey, string>? given)
    {
        var allowed = Policy.ReasonCodes;
        var chosen = new Dictionary<CountLineKey, string>();
        foreach (var (key, raw) in given ?? new Dictionary<CountLineKey, string>())
        {
            if (!_lines.TryGetValue(key, out var line))
                throw new InvalidFieldException("reason_codes", $"{key} is not a line of count {CountId}");
            if (!line.Variance().Any)
                throw new InvalidFieldException("reason_codes", $"{key} has no variance to adjust");
            var code = Require.Code(raw, "reason_codes");
            chosen[key] = allowed.FirstOrDefault(c => string.Equals(c, code, StringComparison.OrdinalIgnoreCase))
                ?? throw new InvalidFieldException("reason_codes", $"{key}: '{code}' is not a reason code; allowed: {string.Join(", ", allowed)}");
        }

        var result = new List<(CountLine, string)>();
        foreach (var line in _lines.Values)
        {
            var variance = line.Variance();
            if (!variance.Any) continue;
            result.Add((line, chosen.GetValueOrDefault(line.Key) ?? DefaultReason(variance)));
        }
        return result;
    }

    private string DefaultReason(LineVariance variance) => variance.Delta switch
    {
        > 0 => Policy.FoundReason,
        < 0 => Policy.MissingReason,
        _ => Policy.SerialMismatchReason,
    };

    /// <summary>
    /// The adjustments an approved count posts: one per line with a variance (a delta, or serials missing or unexpected),
    /// from the line's standing count (the recount when there is one) and the reason chosen at approval, sorted by bin then
    /// part. A pure function of the reviewed lines: asked again (say, by a caller finishing its posting after a crash) it
    /// returns the same list. Only on a Completed count.
    /// </summary>
    public IReadOnlyList<CountAdjustment> AdjustmentsToPost()
    {
        RequireState(CountState.Completed, "adjustments exist once a count is approved (Completed)");
        var adjustments = new List<CountAdjustment>();
        foreach (var line in _lines.Values)
        {
            var variance = line.Variance();
            if (!variance.Any) continue;
            adjustments.Add(new CountAdjustment(line.Key.Bin, line.Key.PartNumber, variance.Delta, variance.UnexpectedSerials,
                variance.MissingSerials, line.ReasonCode ?? throw new InvalidOperationException($"line {line.Key} has no reason code")));
        }
        adjustments.Sort((x, y) => x.Line.CompareTo(y.Line));
        return adjustments;
    }

    // ---------------------------------------------------------------- cancel

    /// <summary>Any state before Completed → Cancelled. Refused on a Completed count (its adjustments stand) and on a Cancelled one.</summary>
    public void Cancel(string? by, DateTimeOffset now)
    {
        if (State == CountState.Completed)
            throw new RuleViolationException($"count {CountId} is Completed; a completed count cannot be cancelled (its adjustments stand)");
        if (State == CountState.Cancelled)
            throw new RuleViolationException($"count {CountId} is Cancelled already");
        var who = Require.Text(by, "cancelled_by", 100);
        CancelledBy = who;
        CancelledAt = now;
        MoveTo(CountState.Cancelled, now, who);
    }

    // ---------------------------------------------------------------- views

    /// <summary>
    /// Whether <paramref name="viewer"/> may see expected quantities and serials (and so variances). A count that is not
    /// blind shows them to everyone. A blind count shows them to nobody while Requested, Counting, Counted or
    /// Recounting, whatever the viewer's role; from ReadyToReview on (and after a cancel, if it had got there) to
    /// supervisors only.
    /// </summary>
    public bool CanSeeExpected(CountViewer viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        return !Blind || (viewer.Role == CountRole.Supervisor && ReachedReview);
    }

    /// <summary>The projection <paramref name="viewer"/> may see: the review when <see cref="CanSeeExpected"/>, else the sheet (which has no expected fields).</summary>
    public CountView View(CountViewer viewer) => CanSeeExpected(viewer) ? Review(viewer) : Sheet(viewer);

    /// <summary>The count sheet, safe for anyone: lines (sorted by bin, then part) with their status, who counted, and the viewer's own count.</summary>
    public CountSheet Sheet(CountViewer viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var lines = Sorted().Select(l => new CountSheetLine(
            l.Key.Bin, l.Key.PartNumber, l.Tracking, l.Status, l.Stale, l.First?.CountedBy, l.Recount?.CountedBy,
            l.Recount?.CountedBy == viewer.UserId ? l.Recount : l.First?.CountedBy == viewer.UserId ? l.First : null)).ToList();
        return new CountSheet(CountId, CentreId, Scope.Kind, Scope.Bins, Scope.PartNumbers, Blind, State, lines);
    }

    /// <summary>The review with expected values and variances; refused (NotAllowedException) when the viewer may not see them (see <see cref="CanSeeExpected"/>).</summary>
    public CountReview Review(CountViewer viewer)
    {
        if (!CanSeeExpected(viewer))
            throw new NotAllowedException(viewer.Role == CountRole.Supervisor
                ? $"count {CountId} is blind and {State}; expected quantities are shown to supervisors from ReadyToReview on"
                : $"count {CountId} is blind; expected quantities are not shown to counters");
        var lines = Sorted().Select(l =>
        {
            var variance = l.Effective is null ? null : l.Variance();
            return new ReviewLine(
                l.Key.Bin, l.Key.PartNumber, l.Tracking, l.Unexpected, l.ExpectedQuantity, l.ExpectedSerials, l.First, l.Recount,
                l.Effective?.Quantity, variance?.Delta, variance?.MissingSerials ?? [], variance?.UnexpectedSerials ?? [],
                variance is null ? null : l.WithinTolerance(variance, Policy), l.RecountReason, l.Stale, l.ReasonCode);
        }).ToList();
        return new CountReview(CountId, CentreId, Scope.Kind, Scope.Bins, Scope.PartNumbers, Blind, State, lines);
    }

    // ---------------------------------------------------------------- helpers

    private IEnumerable<CountLine> Sorted() => _lines.Values.OrderBy(l => l.Key);

    private CountLine AddLine(CountLineKey key, CountTracking tracking, bool unexpected)
    {
        var line = new CountLine(key, tracking, unexpected);
        _lines.Add(key, line);
        IndexByPart(line);
        return line;
    }

    private void IndexByPart(CountLine line)
    {
        if (!_linesByPart.TryGetValue(line.Key.PartNumber, out var ofPart)) _linesByPart[line.Key.PartNumber] = ofPart = [];
        ofPart.Add(line);
    }

    /// <summary>Refuses a line outside the scope, naming the field the caller got wrong (<paramref name="field"/> overrides it, e.g. "snapshot").</summary>
    private void RequireInScope(CountLineKey key, string? field)
    {
        if (Scope.Covers(key)) return;
        if (Scope.Kind == CountScopeKind.PartNumbers)
            throw new InvalidFieldException(field ?? "part_number", $"part '{key.PartNumber}' is outside the scope of count {CountId} ({Scope})");
        throw new InvalidFieldException(field ?? "bin", key.IsWholeCentre
            ? $"{key}: count {CountId} counts bins, which hold serialized parts; a quantity-tracked part is kept for the whole centre and is counted by a count of part numbers"
            : $"bin '{key.Bin}' is outside the scope of count {CountId} ({Scope})");
    }

    private void RequireState(CountState expected, string rule)
    {
        if (State != expected) throw new RuleViolationException($"count {CountId} is {State}; {rule}");
    }

    private void MoveTo(CountState next, DateTimeOffset now, string? by)
    {
        _history.Add(new CountTransition(State, next, now, by));
        State = next;
        if (next == CountState.ReadyToReview) ReachedReview = true;
    }

    private static string Sample(List<CountLineKey> keys)
    {
        keys.Sort();
        var shown = string.Join(", ", keys.Take(Examples));
        return keys.Count > Examples ? $"{shown}, …" : shown;
    }

    private static string Summary(IReadOnlyList<string> items) =>
        items.Count <= Examples ? string.Join(", ", items) : $"{string.Join(", ", items.Take(Examples))} and {items.Count - Examples} more";
}
