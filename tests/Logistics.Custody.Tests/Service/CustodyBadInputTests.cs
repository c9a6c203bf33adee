using Logistics.Testing;
using static Logistics.Testing.BadInput;

namespace Logistics.Custody.Tests.Service;

/// <summary>
/// The bad-input sweep of custody's REST API, against the service alone: one row per bad call (see <see cref="BadInput"/>),
/// each answered with the row's status, gRPC code and field, and none may write (every table of custody's schema reads
/// the same before and after).
/// </summary>
[Collection(CustodyServiceCollection.Name)]
public sealed class CustodyBadInputTests(CustodyHost custody)
{
    private const string Warehouse = "warehouse", Supervisor = "supervisor", Auditor = "auditor";

    public static readonly Case[] Custody =
    [
        Unknown("serial: no chain of custody", Auditor, Get, "/api/v1/serials/NO-SERIAL-{id}", null, "NO-SERIAL-{id}"),
        Invalid("serial: with a space", Auditor, Get, "/api/v1/serials/SN%20{id}", null, "serial"),
        Invalid("serial: in Chinese", Warehouse, Get, "/api/v1/serials/序列号", null, "serial"),
        Invalid("serial: of 300 characters", Auditor, Get, "/api/v1/serials/{long300}", null, "serial"),
        Invalid("history: serial with a control character", Auditor, Get, "/api/v1/serials/SN%01{id}/custody", null, "serial"),
        Invalid("history: page_size negative", Auditor, Get, "/api/v1/serials/SN-{id}-1/custody?pageSize=-1", null, "page_size"),
        Invalid("history: page_size too large", Auditor, Get, "/api/v1/serials/SN-{id}-1/custody?pageSize=1001", null, "page_size"),
        Invalid("history: page_token not one the API gave", Auditor, Get, "/api/v1/serials/SN-{id}-1/custody?pageToken=zz", null, "page_token"),
        Invalid("anomalies: an unknown kind", Auditor, Get, "/api/v1/custody/anomalies?kind=ghost", null, "kind"),
        Invalid("anomalies: page_size too large", Supervisor, Get, "/api/v1/custody/anomalies?pageSize=1001", null, "page_size"),
        Invalid("anomalies: page_token not one the API gave", Auditor, Get, "/api/v1/custody/anomalies?pageToken=qq", null, "page_token"),
        Invalid("anomalies: serial with a space", Auditor, Get, "/api/v1/custody/anomalies?serial=a%20b", null, "serial"),
        Invalid("anomalies: an unknown state", Auditor, Get, "/api/v1/custody/anomalies?state=closed", null, "state"),
        Invalid("resolve anomaly: note missing", Supervisor, Post, "/api/v1/custody/anomalies/AN-00000000000000000000000000000000:resolve", "{}", "note"),
        Invalid("resolve anomaly: note of spaces", Supervisor, Post, "/api/v1/custody/anomalies/AN-00000000000000000000000000000000:resolve", """{"note":"   "}""", "note"),
        Invalid("resolve anomaly: not an anomaly id", Supervisor, Post, "/api/v1/custody/anomalies/AN-XYZ-{id}:resolve", """{"note":"checked"}""", "anomaly_id"),
    ];

    public static TheoryData<string> CustodyCases => Names(Custody);

    [Theory, MemberData(nameof(CustodyCases))]
    public async Task Custody_refuses_and_changes_nothing(string @case)
    {
        var id = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var clients = new Dictionary<string, HttpClient>
        {
            [Warehouse] = custody.Service.RestAs($"wh-{id}", ["warehouse"], [$"C-{id}"]),
            [Supervisor] = custody.Service.RestAs($"sup-{id}", ["supervisor"], [$"C-{id}"]),
            [Auditor] = custody.Service.RestAs($"aud-{id}", ["auditor"]),
        };
        var values = new Dictionary<string, string> { ["id"] = id, ["long300"] = new string('x', 300) };
        string Fill(string template)
        {
            foreach (var (key, value) in values) template = template.Replace("{" + key + "}", value, StringComparison.Ordinal);
            return template;
        }

        await RunAsync(Custody, @case, Fill, who => clients[who], () => custody.Service.StoredStateAsync());
    }
}
