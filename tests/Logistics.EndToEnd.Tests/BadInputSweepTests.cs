using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Logistics.Access.V1;
using Logistics.LocalStack;
using Logistics.Testing;
using static Logistics.EndToEnd.Tests.JsonEdits;
using static Logistics.Testing.Flow;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// quality.md "Bad input", through the gateway's REST API, over every public method of every service: one table per
/// service, one row per bad call. Each row states who calls, what is sent and what must come back (the status, the gRPC
/// code in the body, and the field or id the message must name), and the call must change nothing: the world's rows in
/// every service's schema (and, for inventory, its stock in Redis) read the same before and after. Rows run against a
/// world built once per table (a stocked centre; for the flows, requests, shipments, returns and a DOA claim in every
/// state the rows need). Tokens in paths and bodies ({centre}, {reserved}, ...) are filled from that world.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class BadInputSweepTests(TestStack stack)
{
    private const int InvalidArgument = 3;
    private const int NotFound = 5;
    private const int AlreadyExists = 6;
    private const int FailedPrecondition = 9;

    /// <summary>One bad call. <see cref="Named"/> is a field (snake_case, as in the proto) or the unknown id the message must name.</summary>
    public sealed record Case(string Name, string Who, string Method, string Path, string? Body, HttpStatusCode[] Statuses, int? Code, string Named)
    {
        /// <summary>An Idempotency-Key header to send with the call.</summary>
        public string? Key { get; init; }
    }

    private static Case Invalid(string name, string who, string method, string path, string? body, string field) =>
        new(name, who, method, path, body, [HttpStatusCode.BadRequest], InvalidArgument, field);

    private static Case Unknown(string name, string who, string method, string path, string? body, string named) =>
        new(name, who, method, path, body, [HttpStatusCode.NotFound], NotFound, named);

    private static Case WrongState(string name, string who, string method, string path, string? body, string named) =>
        new(name, who, method, path, body, [HttpStatusCode.BadRequest], FailedPrecondition, named);

    /// <summary>Not JSON, or not the message's shape: 400, nothing to name.</summary>
    private static Case Malformed(string name, string who, string method, string path, string body) =>
        new(name, who, method, path, body, [HttpStatusCode.BadRequest], InvalidArgument, "");

    private const string Get = "GET", Post = "POST", Put = "PUT";
    private const string Admin = "admin", Warehouse = "warehouse", Engineer = "engineer", Supervisor = "supervisor", Dm = "dm", Dm2 = "dm2",
        Auditor = "auditor", Engineer3 = "engineer3";

    // ---------------------------------------------------------------- inventory: catalogue, centres, stock, counts

    private const string PartBody = """{"description":"Main control board","serialized":true}""";
    private const string CentreBody = """{"name":"Spare-part centre","bins":["A-01","A-02"]}""";
    private const string GoodsIn = """{"partNumber":"{part}","bin":"A-01","serials":["GI-{id}-1"],"reference":"PO-{id}"}""";
    private const string BulkIn = """{"partNumber":"{cable}","bin":"A-02","quantity":5,"reference":"PO-{id}"}""";
    private const string Reserve = """{"partNumber":"{part}","quantity":1,"reference":"REF-{id}"}""";
    private const string CableLine = """{"lines":[{"bin":"","partNumber":"{cable}","countedQuantity":10}]}""";

    public static readonly Case[] Inventory =
    [
        Invalid("put part: description empty", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody.With("description", ""), "description"),
        Invalid("put part: description whitespace", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody.With("description", "   "), "description"),
        Invalid("put part: description 10,000 characters", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody.With("description", "{long}"), "description"),
        Invalid("put part: description with a control character", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody.With("description", "board\u0007"), "description"),
        Invalid("put part: description missing", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody.Without("description"), "description"),
        Invalid("put part: part_number in Chinese", Admin, Put, "/api/v1/parts/部件-{id}", PartBody, "part_number"),
        Invalid("put part: part_number with a space", Admin, Put, "/api/v1/parts/NEW%20{id}", PartBody, "part_number"),
        Invalid("put part: part_number with a control character", Admin, Put, "/api/v1/parts/NEW%01{id}", PartBody, "part_number"),
        Invalid("put part: part_number of 300 characters", Admin, Put, "/api/v1/parts/{id}{long300}", PartBody, "part_number"),
        new("put part: part_number of 10,000 characters is a URI too long", Admin, Put, "/api/v1/parts/{id}{long}", PartBody, [HttpStatusCode.RequestUriTooLong], null, ""),
        Invalid("put part: a serialized part in kg", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody.With("unit", "kg"), "unit"),
        Invalid("put part: unit not a code", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody.With("serialized", false).With("unit", "k g"), "unit"),
        Invalid("put part: serialized is a string", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody.With("serialized", Raw("\"yes\"")), "serialized"),
        Malformed("put part: malformed JSON", Admin, Put, "/api/v1/parts/NEW-{id}", """{"description":"Main control board",""" ),
        Malformed("put part: not JSON at all", Admin, Put, "/api/v1/parts/NEW-{id}", "description=board"),
        Malformed("put part: body is JSON null", Admin, Put, "/api/v1/parts/NEW-{id}", "null"),
        Malformed("put part: body is an array", Admin, Put, "/api/v1/parts/NEW-{id}", "[]"),
        Invalid("put part: an idempotency key of 200 characters", Admin, Put, "/api/v1/parts/NEW-{id}", PartBody, "idempotency-key") with { Key = new string('k', 200) },
        WrongState("put part: switch an existing part to quantity tracking", Admin, Put, "/api/v1/parts/{part}", PartBody.With("serialized", false), "{part}"),

        Invalid("put centre: name empty", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("name", ""), "name"),
        Invalid("put centre: name 10,000 characters", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("name", "{long}"), "name"),
        Invalid("put centre: no bins", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("bins", Raw("[]")), "bins"),
        Invalid("put centre: a bin with a space", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("bins", Raw("""["A 01"]""")), "bins"),
        Invalid("put centre: a bin listed twice", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("bins", Raw("""["A-01","A-01"]""")), "bins"),
        Invalid("put centre: a bin that is null", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("bins", Raw("[null]")), "bins"),
        Invalid("put centre: bins is a string", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("bins", "A-01"), "bins"),
        Invalid("put centre: centre_id in Chinese", Admin, Put, "/api/v1/centres/中心-{id}", CentreBody, "centre_id"),
        Invalid("put centre: time_zone not an IANA id", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("timeZone", "Beijing time"), "time_zone"),
        Invalid("put centre: time_zone unknown", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("timeZone", "Mars/Olympus_Mons"), "time_zone"),
        Invalid("put centre: calendar_id with a space", Admin, Put, "/api/v1/centres/NEW-{id}", CentreBody.With("calendarId", "c n"), "calendar_id"),
        WrongState("put centre: remove a bin of an existing centre", Admin, Put, "/api/v1/centres/{centre}", CentreBody.With("bins", Raw("""["A-01"]""")), "A-02"),

        Invalid("goods-in: a bin the centre does not have", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.With("bin", "Z-99"), "bin"),
        Invalid("goods-in: a serialized part without serials", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.Without("serials").With("quantity", 1), "serials"),
        Invalid("goods-in: a serial with a space", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.With("serials", Raw("""["GI {id}"]""")), "serials"),
        Invalid("goods-in: a serial listed twice", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.With("serials", Raw("""["GI-{id}-1","GI-{id}-1"]""")), "serials"),
        Invalid("goods-in: a serial of 10,000 characters", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.With("serials", Raw("""["{long}"]""")), "serials"),
        Invalid("goods-in: a serial with a control character", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.With("serials", Raw("""["GI-{id}\u0000"]""")), "serials"),
        Invalid("goods-in: quantity zero", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", BulkIn.With("quantity", 0), "quantity"),
        Invalid("goods-in: quantity negative", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", BulkIn.With("quantity", -5), "quantity"),
        Invalid("goods-in: quantity beyond int32", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", BulkIn.With("quantity", Raw("99999999999")), "quantity"),
        Invalid("goods-in: quantity fractional", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", BulkIn.With("quantity", Raw("1.5")), "quantity"),
        Invalid("goods-in: serials for a quantity-tracked part", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", BulkIn.With("serials", Raw("""["GI-{id}-2"]""")), "serials"),
        Invalid("goods-in: reference 10,000 characters", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", BulkIn.With("reference", "{long}"), "reference"),
        Invalid("goods-in: part_number empty", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.With("partNumber", ""), "part_number"),
        Unknown("goods-in: a part not in the catalogue", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.With("partNumber", "NO-PART-{id}"), "NO-PART-{id}"),
        Unknown("goods-in: an unknown centre", Warehouse, Post, "/api/v1/centres/NO-CENTRE-{id}/goods-in", GoodsIn, "NO-CENTRE-{id}"),
        new("goods-in: a serial already on hand", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", GoodsIn.With("serials", Raw("""["SN-{id}-1"]""")),
            [HttpStatusCode.Conflict], AlreadyExists, "SN-{id}-1"),
        Invalid("goods-in: an idempotency key of 200 characters", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", BulkIn, "idempotency-key") with { Key = new string('k', 200) },
        Malformed("goods-in: malformed JSON", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", """{"partNumber":"{part}","serials":["""),

        Invalid("reserve: quantity zero", Warehouse, Post, "/api/v1/centres/{centre}/reservations", Reserve.With("quantity", 0), "quantity"),
        Invalid("reserve: quantity negative", Warehouse, Post, "/api/v1/centres/{centre}/reservations", Reserve.With("quantity", -1), "quantity"),
        Invalid("reserve: quantity is a word", Warehouse, Post, "/api/v1/centres/{centre}/reservations", Reserve.With("quantity", "two"), "quantity"),
        WrongState("reserve: more than is available", Warehouse, Post, "/api/v1/centres/{centre}/reservations", Reserve.With("quantity", 1_000_000), "available"),
        Invalid("reserve: quantity above a million per line", Warehouse, Post, "/api/v1/centres/{centre}/reservations", Reserve.With("quantity", int.MaxValue), "quantity"),
        Invalid("reserve: reference 10,000 characters", Supervisor, Post, "/api/v1/centres/{centre}/reservations", Reserve.With("reference", "{long}"), "reference"),
        Unknown("reserve: a part not in the catalogue", Warehouse, Post, "/api/v1/centres/{centre}/reservations", Reserve.With("partNumber", "NO-PART-{id}"), "NO-PART-{id}"),
        Unknown("reserve: an unknown centre", Supervisor, Post, "/api/v1/centres/NO-CENTRE-{id}/reservations", Reserve, "NO-CENTRE-{id}"),
        Invalid("release: a reservation id without its centre", Warehouse, Post, "/api/v1/reservations/NO-RESERVATION:release", "{}", "reservation_id"),
        Unknown("release: an unknown reservation", Warehouse, Post, "/api/v1/reservations/{centre}.Rdeadbeef:release", "{}", "Rdeadbeef"),
        Unknown("release: a reservation at an unknown centre", Supervisor, Post, "/api/v1/reservations/NO-CENTRE-{id}.Rdeadbeef:release", "{}", "NO-CENTRE-{id}"),
        Malformed("release: malformed JSON", Warehouse, Post, "/api/v1/reservations/{reservation}:release", "{"),

        Invalid("open count: neither bins nor part_numbers", Warehouse, Post, "/api/v1/counts", """{"centreId":"{centre}"}""", "bins"),
        Invalid("open count: both bins and part_numbers", Warehouse, Post, "/api/v1/counts", """{"centreId":"{centre}","bins":["A-02"],"partNumbers":["{part}"]}""", "part_numbers"),
        Invalid("open count: a bin of 10,000 characters", Warehouse, Post, "/api/v1/counts", """{"centreId":"{centre}","bins":["{long}"]}""", "bins"),
        Invalid("open count: a bin the centre does not have", Warehouse, Post, "/api/v1/counts", """{"centreId":"{centre}","bins":["Z-99"]}""", "bins"),
        new("open count: a part not in the catalogue", Warehouse, Post, "/api/v1/counts", """{"centreId":"{centre}","partNumbers":["NO-PART-{id}"]}""",
            [HttpStatusCode.BadRequest, HttpStatusCode.NotFound], null, "NO-PART-{id}"),
        Invalid("open count: blind is a word", Warehouse, Post, "/api/v1/counts", """{"centreId":"{centre}","bins":["A-02"],"blind":"sure"}""", "blind"),
        Invalid("open count: centre_id empty", Warehouse, Post, "/api/v1/counts", """{"centreId":"","bins":["A-02"]}""", "centre_id"),
        Unknown("open count: an unknown centre", Warehouse, Post, "/api/v1/counts", """{"centreId":"NO-CENTRE-{id}","bins":["A-01"]}""", "NO-CENTRE-{id}"),
        new("open count: overlapping a count in progress", Warehouse, Post, "/api/v1/counts", """{"centreId":"{centre}","partNumbers":["{cable}"]}""",
            [HttpStatusCode.BadRequest], FailedPrecondition, "{counting}"),
        Invalid("submit lines: no lines", Warehouse, Post, "/api/v1/counts/{counting}/lines", """{"lines":[]}""", "lines"),
        Invalid("submit lines: counted_quantity negative", Warehouse, Post, "/api/v1/counts/{counting}/lines", CableLine.With("lines.0.countedQuantity", -1), "counted_quantity"),
        Invalid("submit lines: counted_quantity of 2^63 - 1", Warehouse, Post, "/api/v1/counts/{counting}/lines", CableLine.With("lines.0.countedQuantity", Raw("9223372036854775807")), "counted_quantity"),
        Invalid("goods-in: quantity above a million per line", Warehouse, Post, "/api/v1/centres/{centre}/goods-in", BulkIn.With("quantity", 1_000_001), "quantity"),
        Invalid("submit lines: counted_quantity beyond int64", Warehouse, Post, "/api/v1/counts/{counting}/lines", CableLine.With("lines.0.countedQuantity", Raw("99999999999999999999")), "counted_quantity"),
        Invalid("submit lines: serials seen on a quantity-tracked part", Warehouse, Post, "/api/v1/counts/{counting}/lines", CableLine.With("lines.0.serialsSeen", Raw("""["X1"]""")), "serials_seen"),
        Invalid("submit lines: the same line twice in a batch", Warehouse, Post, "/api/v1/counts/{counting}/lines",
            """{"lines":[{"bin":"","partNumber":"{cable}","countedQuantity":10},{"bin":"","partNumber":"{cable}","countedQuantity":9}]}""", "lines"),
        Invalid("submit lines: part_number empty", Warehouse, Post, "/api/v1/counts/{counting}/lines", CableLine.With("lines.0.partNumber", ""), "part_number"),
        Unknown("submit lines: an unknown count", Warehouse, Post, "/api/v1/counts/NO-COUNT-{id}/lines", CableLine, "NO-COUNT-{id}"),
        Invalid("submit lines: count_id with a space", Warehouse, Post, "/api/v1/counts/NO%20COUNT/lines", CableLine, "count_id"),
        Unknown("close count: an unknown count", Warehouse, Post, "/api/v1/counts/NO-COUNT-{id}:close", "{}", "NO-COUNT-{id}"),
        WrongState("close count: a count ready to review", Warehouse, Post, "/api/v1/counts/{review}:close", "{}", "ReadyToReview"),
        Unknown("approve count: an unknown count", Supervisor, Post, "/api/v1/counts/NO-COUNT-{id}:approve", "{}", "NO-COUNT-{id}"),
        WrongState("approve count: a count still counting", Supervisor, Post, "/api/v1/counts/{counting}:approve", "{}", "Counting"),
        Invalid("approve count: a reason for a line the count does not have", Supervisor, Post, "/api/v1/counts/{review}:approve",
            """{"reasons":[{"bin":"Z-99","partNumber":"{part}","reasonCode":"missing"}]}""", "reason_code"),
        Invalid("approve count: two reasons for one line", Supervisor, Post, "/api/v1/counts/{review}:approve",
            """{"reasons":[{"bin":"A-01","partNumber":"{part}","reasonCode":"missing"},{"bin":"A-01","partNumber":"{part}","reasonCode":"found"}]}""", "reasons"),
        Malformed("approve count: malformed JSON", Supervisor, Post, "/api/v1/counts/{review}:approve", """{"reasons":"""),
        Unknown("cancel count: an unknown count", Warehouse, Post, "/api/v1/counts/NO-COUNT-{id}:cancel", "{}", "NO-COUNT-{id}"),
        Invalid("cancel count: count_id of 300 characters", Supervisor, Post, "/api/v1/counts/{long300}:cancel", "{}", "count_id"),
        Malformed("cancel count: body is an array", Warehouse, Post, "/api/v1/counts/{counting}:cancel", "[]"),

        Invalid("get count: page_size negative", Warehouse, Get, "/api/v1/counts/{counting}?pageSize=-1", null, "page_size"),
        Invalid("get count: page_size too large", Supervisor, Get, "/api/v1/counts/{counting}?pageSize=5001", null, "page_size"),
        Invalid("get count: page_size not a number", Warehouse, Get, "/api/v1/counts/{counting}?pageSize=abc", null, "page_size"),
        Invalid("get count: page_token not one the API gave", Warehouse, Get, "/api/v1/counts/{counting}?pageToken=garbage", null, "page_token"),
        Unknown("get count: an unknown count", Warehouse, Get, "/api/v1/counts/NO-COUNT-{id}", null, "NO-COUNT-{id}"),
        Invalid("list stock: page_size negative", Auditor, Get, "/api/v1/centres/{centre}/stock?pageSize=-1", null, "page_size"),
        Invalid("list stock: page_size too large", Auditor, Get, "/api/v1/centres/{centre}/stock?pageSize=100000", null, "page_size"),
        Invalid("list stock: page_token not one the API gave", Auditor, Get, "/api/v1/centres/{centre}/stock?pageToken=garbage", null, "page_token"),
        Unknown("list stock: an unknown centre", Auditor, Get, "/api/v1/centres/NO-CENTRE-{id}/stock", null, "NO-CENTRE-{id}"),
        Unknown("get stock: a part not in the catalogue", Auditor, Get, "/api/v1/centres/{centre}/stock/NO-PART-{id}", null, "NO-PART-{id}"),
        Invalid("get stock: part_number with a control character", Auditor, Get, "/api/v1/centres/{centre}/stock/A%01B", null, "part_number"),
        Invalid("list serials: part_number missing", Warehouse, Get, "/api/v1/centres/{centre}/serials", null, "part_number"),
        Invalid("list movements: after negative", Auditor, Get, "/api/v1/centres/{centre}/movements?after=-1", null, "after"),
        Invalid("list movements: page_size too large", Warehouse, Get, "/api/v1/centres/{centre}/movements?pageSize=5000", null, "page_size"),
        Invalid("list movements: part_number with a space", Auditor, Get, "/api/v1/centres/{centre}/movements?partNumber=A%20B", null, "part_number"),
        Unknown("list movements: an unknown centre", Auditor, Get, "/api/v1/centres/NO-CENTRE-{id}/movements", null, "NO-CENTRE-{id}"),
        Unknown("reconcile: an unknown centre", Auditor, Post, "/api/v1/centres/NO-CENTRE-{id}:reconcile", "{}", "NO-CENTRE-{id}"),
        Unknown("rebuild: an unknown centre", Admin, Post, "/api/v1/centres/NO-CENTRE-{id}:rebuild", "{}", "NO-CENTRE-{id}"),
        Unknown("get part: not in the catalogue", Auditor, Get, "/api/v1/parts/NO-PART-{id}", null, "NO-PART-{id}"),
        Invalid("get centre: centre_id with a space", Auditor, Get, "/api/v1/centres/NO%20CENTRE", null, "centre_id"),
    ];

    // ---------------------------------------------------------------- requests

    private const string Submit = """{"ticketId":"TCK-{id}","siteId":"SITE-{id}","centreId":"{centre}","partNumber":"{part}","quantity":1,"serviceLevel":"7x24x4"}""";
    private const string Ship = """{"serials":["{free_serial}"],"packaging":{"esdBagSealed":true,"sealedWith":"tape","esdSymbol":true,"packageId":"PKG-{id}"},"carrier":"SF Express","trackingNo":"TRK-{id}"}""";
    private const string Install = """{"installedSerial":"{delivered_serial}","removedSerial":"OLD-{id}","equipmentId":"EQ-{id}"}""";

    private const string CalendarYear =
        """{"year":2026,"workingWeekdays":["Monday","Tuesday","Wednesday","Thursday","Friday"],"opensAt":"09:00","closesAt":"18:00","holidays":["2026-10-01"],"extraWorkingDays":["2026-10-10"]}""";
    private const string CalendarBody = """{"name":"Test calendar","years":[""" + CalendarYear + "]}";
    private const string SiteBody = """{"timeZone":"Europe/Berlin","calendarId":"mon-fri"}""";

    private static RawJson Years(params string[] years) => Raw("[" + string.Join(",", years) + "]");

    public static readonly Case[] Requests =
    [
        Invalid("submit: quantity zero", Engineer, Post, "/api/v1/part-requests", Submit.With("quantity", 0), "quantity"),
        Invalid("submit: quantity negative", Engineer, Post, "/api/v1/part-requests", Submit.With("quantity", -3), "quantity"),
        Invalid("submit: quantity is a word", Engineer, Post, "/api/v1/part-requests", Submit.With("quantity", "one"), "quantity"),
        Invalid("submit: quantity beyond int32", Engineer, Post, "/api/v1/part-requests", Submit.With("quantity", Raw("10000000000")), "quantity"),
        Invalid("submit: an unknown service level", Engineer, Post, "/api/v1/part-requests", Submit.With("serviceLevel", "9x9x9"), "service_level"),
        Invalid("submit: service level empty", Engineer, Post, "/api/v1/part-requests", Submit.With("serviceLevel", ""), "service_level"),
        Invalid("submit: ticket_id empty", Engineer, Post, "/api/v1/part-requests", Submit.With("ticketId", ""), "ticket_id"),
        Invalid("submit: ticket_id whitespace", Engineer, Post, "/api/v1/part-requests", Submit.With("ticketId", "   "), "ticket_id"),
        Invalid("submit: ticket_id 10,000 characters", Engineer, Post, "/api/v1/part-requests", Submit.With("ticketId", "{long}"), "ticket_id"),
        Invalid("submit: ticket_id with a control character", Engineer, Post, "/api/v1/part-requests", Submit.With("ticketId", "TCK\u0001"), "ticket_id"),
        Invalid("submit: site_id in Chinese", Engineer, Post, "/api/v1/part-requests", Submit.With("siteId", "站点"), "site_id"),
        Invalid("submit: site_id missing", Engineer, Post, "/api/v1/part-requests", Submit.Without("siteId"), "site_id"),
        Invalid("submit: centre_id with a space", Engineer, Post, "/api/v1/part-requests", Submit.With("centreId", "C 1"), "centre_id"),
        Invalid("submit: part_number empty", Engineer, Post, "/api/v1/part-requests", Submit.With("partNumber", ""), "part_number"),
        Invalid("submit: faulty_serial with a space", Engineer, Post, "/api/v1/part-requests", Submit.With("faultySerial", "SN 1"), "faulty_serial"),
        Invalid("submit: faulty_serial 10,000 characters", Engineer, Post, "/api/v1/part-requests", Submit.With("faultySerial", "{long}"), "faulty_serial"),
        Invalid("submit: an empty object", Engineer, Post, "/api/v1/part-requests", "{}", "service_level"),
        Unknown("submit: a part not in the catalogue", Engineer, Post, "/api/v1/part-requests", Submit.With("partNumber", "NO-PART-{id}"), "NO-PART-{id}"),
        Unknown("submit: an unknown centre", Engineer, Post, "/api/v1/part-requests", Submit.With("centreId", "NO-CENTRE-{id}"), "NO-CENTRE-{id}"),
        Malformed("submit: malformed JSON", Engineer, Post, "/api/v1/part-requests", """{"ticketId":"TCK-{id}" "siteId":"S"}"""),
        Invalid("submit: an idempotency key of 200 characters", Engineer, Post, "/api/v1/part-requests", Submit, "idempotency-key") with { Key = new string('k', 200) },
        Malformed("submit: body is a string", Engineer, Post, "/api/v1/part-requests", "\"TCK-1\""),

        Unknown("get: an unknown request", Supervisor, Get, "/api/v1/part-requests/NO-REQ-{id}", null, "NO-REQ-{id}"),
        Invalid("get: request_id with a space", Engineer, Get, "/api/v1/part-requests/PR%20{id}", null, "request_id"),
        Invalid("get: request_id of 300 characters", Warehouse, Get, "/api/v1/part-requests/{long300}", null, "request_id"),
        Invalid("get: request_id with a control character", Supervisor, Get, "/api/v1/part-requests/PR%01{id}", null, "request_id"),
        Invalid("list: page_size negative", Supervisor, Get, "/api/v1/part-requests?pageSize=-1", null, "page_size"),
        Invalid("list: page_size too large", Supervisor, Get, "/api/v1/part-requests?pageSize=100000", null, "page_size"),
        Invalid("list: page_size not a number", Supervisor, Get, "/api/v1/part-requests?pageSize=abc", null, "page_size"),
        Invalid("list: page_token not one the API gave", Supervisor, Get, "/api/v1/part-requests?pageToken=garbage", null, "page_token"),
        Invalid("list: an unknown state", Supervisor, Get, "/api/v1/part-requests?state=Flying", null, "state"),
        Invalid("list: late is not a boolean", Supervisor, Get, "/api/v1/part-requests?late=maybe", null, "late"),
        Invalid("list: engineer_id of 300 characters", Supervisor, Get, "/api/v1/part-requests?engineerId={long300}", null, "engineer_id"),
        Unknown("requestable part: not in the catalogue", Engineer, Get, "/api/v1/requestable-parts/NO-PART-{id}", null, "NO-PART-{id}"),
        Invalid("requestable part: part_number in Chinese", Engineer, Get, "/api/v1/requestable-parts/部件", null, "part_number"),

        Invalid("put calendar: no years", Admin, Put, "/api/v1/calendars/CAL-{id}", CalendarBody.With("years", Raw("[]")), "years"),
        Invalid("put calendar: years with a gap", Admin, Put, "/api/v1/calendars/CAL-{id}",
            CalendarBody.With("years", Years(CalendarYear.Replace("2026", "2025"), CalendarYear.Replace("2026", "2027"))), "years"),
        Invalid("put calendar: a holiday that is not a date", Admin, Put, "/api/v1/calendars/CAL-{id}", CalendarBody.With("years", Years(CalendarYear.Replace("2026-10-01", "1 Oct"))), "holidays"),
        Invalid("put calendar: a holiday in another year", Admin, Put, "/api/v1/calendars/CAL-{id}", CalendarBody.With("years", Years(CalendarYear.Replace("2026-10-01", "2027-10-01"))), "holidays"),
        Invalid("put calendar: a make-up day that is a weekday already", Admin, Put, "/api/v1/calendars/CAL-{id}", CalendarBody.With("years", Years(CalendarYear.Replace("2026-10-10", "2026-10-09"))), "extra_working_days"),
        Invalid("put calendar: opens_at not a time", Admin, Put, "/api/v1/calendars/CAL-{id}", CalendarBody.With("years", Years(CalendarYear.Replace("09:00", "9am"))), "opens_at"),
        Invalid("put calendar: closes before it opens", Admin, Put, "/api/v1/calendars/CAL-{id}", CalendarBody.With("years", Years(CalendarYear.Replace("18:00", "08:00"))), "closes_at"),
        Invalid("put calendar: an unknown weekday", Admin, Put, "/api/v1/calendars/CAL-{id}", CalendarBody.With("years", Years(CalendarYear.Replace("Monday", "Funday"))), "working_weekdays"),
        Invalid("put calendar: name empty", Admin, Put, "/api/v1/calendars/CAL-{id}", CalendarBody.With("name", ""), "name"),
        Invalid("put calendar: calendar_id with a space", Admin, Put, "/api/v1/calendars/CAL%20{id}", CalendarBody, "calendar_id"),
        Malformed("put calendar: malformed JSON", Admin, Put, "/api/v1/calendars/CAL-{id}", """{"name":"x","years":[{"""),
        Unknown("get calendar: an unknown calendar", Auditor, Get, "/api/v1/calendars/NO-CAL-{id}", null, "NO-CAL-{id}"),
        Unknown("get calendar: a version it does not have", Engineer, Get, "/api/v1/calendars/cn?version=99", null, "99"),
        Invalid("get calendar: version negative", Engineer, Get, "/api/v1/calendars/cn?version=-1", null, "version"),
        Invalid("put site: time_zone missing", Admin, Put, "/api/v1/sites/SITE-X-{id}", SiteBody.Without("timeZone"), "time_zone"),
        Invalid("put site: time_zone not an IANA id", Admin, Put, "/api/v1/sites/SITE-X-{id}", SiteBody.With("timeZone", "CET+1"), "time_zone"),
        Unknown("put site: an unknown calendar", Admin, Put, "/api/v1/sites/SITE-X-{id}", SiteBody.With("calendarId", "NO-CAL-{id}"), "NO-CAL-{id}"),
        Invalid("put site: site_id in Chinese", Admin, Put, "/api/v1/sites/站点-{id}", SiteBody, "site_id"),
        Unknown("get site: a site not registered", Auditor, Get, "/api/v1/sites/NO-SITE-{id}", null, "NO-SITE-{id}"),
        Invalid("get site: site_id with a space", Engineer, Get, "/api/v1/sites/SITE%20{id}", null, "site_id"),

        Unknown("approve: an unknown request", Supervisor, Post, "/api/v1/part-requests/NO-REQ-{id}:approve", "{}", "NO-REQ-{id}"),
        Invalid("approve: request_id with a space", Supervisor, Post, "/api/v1/part-requests/PR%20{id}:approve", "{}", "request_id"),
        WrongState("approve: a request already reserved", Supervisor, Post, "/api/v1/part-requests/{reserved}:approve", "{}", "Reserved"),
        Malformed("approve: malformed JSON", Supervisor, Post, "/api/v1/part-requests/{submitted}:approve", "{"),
        Invalid("reject: reason empty", Supervisor, Post, "/api/v1/part-requests/{submitted}:reject", """{"reason":""}""", "reason"),
        Invalid("reject: reason whitespace", Supervisor, Post, "/api/v1/part-requests/{submitted}:reject", """{"reason":"   "}""", "reason"),
        Invalid("reject: reason 10,000 characters", Supervisor, Post, "/api/v1/part-requests/{submitted}:reject", """{"reason":"{long}"}""", "reason"),
        Invalid("reject: reason missing", Supervisor, Post, "/api/v1/part-requests/{submitted}:reject", "{}", "reason"),
        WrongState("reject: a request already reserved", Supervisor, Post, "/api/v1/part-requests/{reserved}:reject", """{"reason":"not needed"}""", "Reserved"),
        Unknown("reject: an unknown request", Supervisor, Post, "/api/v1/part-requests/NO-REQ-{id}:reject", """{"reason":"not needed"}""", "NO-REQ-{id}"),
        Invalid("cancel: reason 10,000 characters", Engineer, Post, "/api/v1/part-requests/{reserved}:cancel", """{"reason":"{long}"}""", "reason"),
        Invalid("cancel: reason with a control character", Engineer, Post, "/api/v1/part-requests/{reserved}:cancel", """{"reason":"oops\u0008"}""", "reason"),
        WrongState("cancel: a request already delivered", Engineer, Post, "/api/v1/part-requests/{delivered}:cancel", "{}", "Delivered"),
        Unknown("cancel: an unknown request", Supervisor, Post, "/api/v1/part-requests/NO-REQ-{id}:cancel", "{}", "NO-REQ-{id}"),

        Invalid("ship: no packaging", Warehouse, Post, "/api/v1/part-requests/{reserved}:ship", Ship.Without("packaging"), "packaging"),
        Invalid("ship: ESD bag not sealed", Warehouse, Post, "/api/v1/part-requests/{reserved}:ship", Ship.With("packaging.esdBagSealed", false), "packaging.esd_bag_sealed"),
        Invalid("ship: ESD bag sealing not stated", Warehouse, Post, "/api/v1/part-requests/{reserved}:ship", Ship.Without("packaging.esdBagSealed"), "packaging.esd_bag_sealed"),
        Invalid("ship: ESD bag sealed is a word", Warehouse, Post, "/api/v1/part-requests/{reserved}:ship", Ship.With("packaging.esdBagSealed", "yes"), "esd_bag_sealed"),
        Invalid("ship: sealed with staples", Warehouse, Post, "/api/v1/part-requests/{reserved}:ship", Ship.With("packaging.sealedWith", "staples"), "packaging.sealed_with"),
        Invalid("ship: sealed with an unknown method", Warehouse, Post, "/api/v1/part-requests/{reserved}:ship", Ship.With("packaging.sealedWith", "glue"), "packaging.sealed_with"),
        Invalid("ship: no ESD symbol", Warehouse, Post, "/api/v1/part-requests/{reserved}:ship", Ship.With("packaging.esdSymbol", false), "packaging.esd_symbol"),
        Invalid("ship: package id empty", Warehouse, Post, "/api/v1/part-requests/{reserved}:ship", Ship.With("packaging.packageId", ""), "packaging.package_id"),
        Invalid("ship: no serials", Warehouse, Post, "/api/v1/part-requests/{reserved}:ship", Ship.With("serials", Raw("[]")), "serials"),
        Invalid("ship: more serials than requested", Warehouse, Post, "/api/v1/part-requests/{reserved}:ship", Ship.With("serials", Raw("""["{free_serial}","SN-{id}-X"]""")), "serials"),
        Invalid("ship: a serial with a space", Warehouse, Post, "/api/v1/part-requests/{reserved}:ship", Ship.With("serials", Raw("""["SN {id}"]""")), "serials"),
        Invalid("ship: carrier empty", Warehouse, Post, "/api/v1/part-requests/{reserved}:ship", Ship.With("carrier", ""), "carrier"),
        Invalid("ship: carrier 10,000 characters", Warehouse, Post, "/api/v1/part-requests/{reserved}:ship", Ship.With("carrier", "{long}"), "carrier"),
        Invalid("ship: tracking number with a space", Warehouse, Post, "/api/v1/part-requests/{reserved}:ship", Ship.With("trackingNo", "TRK 1"), "tracking_no"),
        WrongState("ship: a serial not on hand at the centre", Warehouse, Post, "/api/v1/part-requests/{reserved}:ship", Ship.With("serials", Raw("""["SN-NOT-HERE-{id}"]""")), "SN-NOT-HERE-{id}"),
        WrongState("ship: a serial shipped on another request", Warehouse, Post, "/api/v1/part-requests/{reserved}:ship", Ship.With("serials", Raw("""["{delivered_serial}"]""")), "{delivered_serial}"),
        WrongState("ship: a request awaiting approval", Warehouse, Post, "/api/v1/part-requests/{submitted}:ship",
            Ship.With("serials", Raw("""["{free_serial}","SN-{id}-X1","SN-{id}-X2"]""")), "Submitted"),
        Unknown("ship: an unknown request", Warehouse, Post, "/api/v1/part-requests/NO-REQ-{id}:ship", Ship, "NO-REQ-{id}"),

        Invalid("install: installed_serial empty", Engineer, Post, "/api/v1/part-requests/{delivered}:install", Install.With("installedSerial", ""), "installed_serial"),
        Invalid("install: removed_serial empty", Engineer, Post, "/api/v1/part-requests/{delivered}:install", Install.With("removedSerial", ""), "removed_serial"),
        Invalid("install: removed_serial is the installed one", Engineer, Post, "/api/v1/part-requests/{delivered}:install", Install.With("removedSerial", "{delivered_serial}"), "removed_serial"),
        Invalid("install: equipment_id empty", Engineer, Post, "/api/v1/part-requests/{delivered}:install", Install.With("equipmentId", ""), "equipment_id"),
        Invalid("install: equipment_id with a space", Engineer, Post, "/api/v1/part-requests/{delivered}:install", Install.With("equipmentId", "EQ 1"), "equipment_id"),
        WrongState("install: a serial not delivered on the request", Engineer, Post, "/api/v1/part-requests/{delivered}:install", Install.With("installedSerial", "{free_serial}"), "{free_serial}"),
        WrongState("install: a request not yet delivered", Engineer, Post, "/api/v1/part-requests/{reserved}:install", Install, "Reserved"),
        Unknown("install: an unknown request", Engineer, Post, "/api/v1/part-requests/NO-REQ-{id}:install", Install, "NO-REQ-{id}"),
    ];

    // ---------------------------------------------------------------- receipts

    private const string Sign = """{"kind":"centre-to-engineer","reference":"{shipped}","serials":["{shipped_serial}"],"quantity":1,"packaging":{"outerIntact":true,"esdBagSealed":true},"condition":"ok","note":""}""";
    private const string Correction = """{"serials":["{delivered_serial}"],"quantity":1,"packaging":{"outerIntact":true,"esdBagSealed":true},"condition":"ok","note":"recounted"}""";

    public static readonly Case[] Receipts =
    [
        Invalid("sign: an unknown kind", Engineer, Post, "/api/v1/receipts", Sign.With("kind", "teleport"), "kind"),
        Invalid("sign: kind empty", Engineer, Post, "/api/v1/receipts", Sign.With("kind", ""), "kind"),
        Invalid("sign: kind not the kind of the handover", Engineer, Post, "/api/v1/receipts", Sign.With("kind", "engineer-to-centre"), "kind"),
        Invalid("sign: an unknown condition", Engineer, Post, "/api/v1/receipts", Sign.With("condition", "meh"), "condition"),
        Invalid("sign: reference empty", Engineer, Post, "/api/v1/receipts", Sign.With("reference", ""), "reference"),
        Invalid("sign: reference 10,000 characters", Engineer, Post, "/api/v1/receipts", Sign.With("reference", "{long}"), "reference"),
        Unknown("sign: an unknown reference", Engineer, Post, "/api/v1/receipts", Sign.With("reference", "NO-REF-{id}"), "NO-REF-{id}"),
        Invalid("sign: quantity negative", Engineer, Post, "/api/v1/receipts", Sign.With("quantity", -1), "quantity"),
        Invalid("sign: quantity zero for goods that arrived", Engineer, Post, "/api/v1/receipts", Sign.With("quantity", 0), "quantity"),
        Invalid("sign: quantity not the number of serials", Engineer, Post, "/api/v1/receipts", Sign.With("quantity", 5), "quantity"),
        Invalid("sign: quantity is a word", Engineer, Post, "/api/v1/receipts", Sign.With("quantity", "one"), "quantity"),
        Invalid("sign: no packaging check", Engineer, Post, "/api/v1/receipts", Sign.Without("packaging"), "packaging"),
        Invalid("sign: outer box not stated", Engineer, Post, "/api/v1/receipts", Sign.Without("packaging.outerIntact"), "packaging.outer_intact"),
        Invalid("sign: ESD bag not stated", Engineer, Post, "/api/v1/receipts", Sign.Without("packaging.esdBagSealed"), "packaging.esd_bag_sealed"),
        Invalid("sign: a serial with a tab", Engineer, Post, "/api/v1/receipts", Sign.With("serials", Raw("""["SN\t1"]""")), "serials"),
        Invalid("sign: a serial listed twice", Engineer, Post, "/api/v1/receipts", Sign.With("serials", Raw("""["{shipped_serial}","{shipped_serial}"]""")).With("quantity", 2), "serials"),
        Invalid("sign: a serial of 10,000 characters", Engineer, Post, "/api/v1/receipts", Sign.With("serials", Raw("""["{long}"]""")), "serials"),
        Invalid("sign: note 10,000 characters", Engineer, Post, "/api/v1/receipts", Sign.With("note", "{long}"), "note"),
        Invalid("sign: note with a control character", Engineer, Post, "/api/v1/receipts", Sign.With("note", "bell\u0007"), "note"),
        Invalid("sign: missing a serial never shipped", Engineer, Post, "/api/v1/receipts",
            Sign.With("condition", "missing").With("quantity", 0).With("serials", Raw("""["SN-NOT-SHIPPED-{id}"]""")), "serials"),
        Invalid("sign: an idempotency key of 200 characters", Engineer, Post, "/api/v1/receipts", Sign, "idempotency-key") with { Key = new string('k', 200) },
        Malformed("sign: malformed JSON", Engineer, Post, "/api/v1/receipts", """{"kind":"centre-to-engineer","serials":[}"""),
        Invalid("correct: an unknown condition", Engineer, Post, "/api/v1/receipts/{receipt}:correct", Correction.With("condition", "weird"), "condition"),
        Invalid("correct: no packaging check", Engineer, Post, "/api/v1/receipts/{receipt}:correct", Correction.Without("packaging"), "packaging"),
        Invalid("correct: quantity negative", Engineer, Post, "/api/v1/receipts/{receipt}:correct", Correction.With("quantity", -1), "quantity"),
        Invalid("correct: note 10,000 characters", Engineer, Post, "/api/v1/receipts/{receipt}:correct", Correction.With("note", "{long}"), "note"),
        Unknown("correct: an unknown receipt", Engineer, Post, "/api/v1/receipts/NO-RECEIPT-{id}:correct", Correction, "NO-RECEIPT-{id}"),
        Invalid("correct: receipt_id with a space", Supervisor, Post, "/api/v1/receipts/RC%20{id}:correct", Correction, "receipt_id"),
        Malformed("correct: body is JSON null", Engineer, Post, "/api/v1/receipts/{receipt}:correct", "null"),
        Unknown("get: an unknown receipt", Auditor, Get, "/api/v1/receipts/NO-RECEIPT-{id}", null, "NO-RECEIPT-{id}"),
        Invalid("get: receipt_id in Chinese", Auditor, Get, "/api/v1/receipts/收据", null, "receipt_id"),
        Invalid("list: reference missing", Auditor, Get, "/api/v1/receipts", null, "reference"),
        Invalid("list: reference with a space", Auditor, Get, "/api/v1/receipts?reference=PR%20{id}", null, "reference"),
    ];

    // ---------------------------------------------------------------- returns

    private const string Pack = """
        {"inGoodPartPackaging":true,"esdBagSealed":true,"sealedWith":"tape","esdSymbol":true,
         "faultTag":{"category":"replacement","reference":"{open_request}","partNumber":"{part}","serial":"{open_faulty}","faultDate":"{fault_date}",
                     "symptom":"board does not boot","categoryCode":"F006","softwareVersion":"V100R001","dataRemovalConfirmed":true,"ticketId":"TCK-{id}"}}
        """;
    private const string ShipBack = """{"carrier":"SF Express","trackingNo":"BACK-{id}"}""";
    private const string Inspect = """{"result":"confirmed-fault","note":"burnt capacitor"}""";

    public static readonly Case[] Returns =
    [
        Invalid("pack: not in the good part's packaging", Engineer3, Post, "/api/v1/returns/{open_return}:pack", Pack.With("inGoodPartPackaging", false), "in_good_part_packaging"),
        Invalid("pack: packaging not stated", Engineer3, Post, "/api/v1/returns/{open_return}:pack", Pack.Without("inGoodPartPackaging"), "in_good_part_packaging"),
        Invalid("pack: ESD bag not sealed", Engineer3, Post, "/api/v1/returns/{open_return}:pack", Pack.With("esdBagSealed", false), "esd_bag_sealed"),
        Invalid("pack: sealed with staples", Engineer3, Post, "/api/v1/returns/{open_return}:pack", Pack.With("sealedWith", "staples"), "sealed_with"),
        Invalid("pack: no ESD symbol", Engineer3, Post, "/api/v1/returns/{open_return}:pack", Pack.With("esdSymbol", false), "esd_symbol"),
        Invalid("pack: no fault tag", Engineer3, Post, "/api/v1/returns/{open_return}:pack", Pack.Without("faultTag"), "fault_tag"),
        Invalid("pack: an unknown fault tag category", Engineer3, Post, "/api/v1/returns/{open_return}:pack", Pack.With("faultTag.category", "zzz"), "fault_tag.category"),
        Invalid("pack: fault tag names another serial", Engineer3, Post, "/api/v1/returns/{open_return}:pack", Pack.With("faultTag.serial", "SN-OTHER-{id}"), "fault_tag.serial"),
        Invalid("pack: fault tag with the wrong category code", Engineer3, Post, "/api/v1/returns/{open_return}:pack", Pack.With("faultTag.categoryCode", "F001"), "fault_tag.category_code"),
        Invalid("pack: fault tag symptom 10,000 characters", Engineer3, Post, "/api/v1/returns/{open_return}:pack", Pack.With("faultTag.symptom", "{long}"), "fault_tag.symptom"),
        Invalid("pack: fault date not a time", Engineer3, Post, "/api/v1/returns/{open_return}:pack", Pack.With("faultTag.faultDate", "yesterday"), "fault_date"),
        Invalid("pack: an idempotency key of 200 characters", Engineer3, Post, "/api/v1/returns/{open_return}:pack", Pack, "idempotency-key") with { Key = new string('k', 200) },
        Malformed("pack: malformed JSON", Engineer3, Post, "/api/v1/returns/{open_return}:pack", """{"inGoodPartPackaging":tru}"""),
        WrongState("pack: a return already packed", Engineer3, Post, "/api/v1/returns/{packed_return}:pack", Pack, "Packed"),
        Unknown("pack: an unknown return", Engineer3, Post, "/api/v1/returns/NO-RETURN-{id}:pack", Pack, "NO-RETURN-{id}"),
        Invalid("pack: return_id with a control character", Engineer3, Post, "/api/v1/returns/RT%01{id}:pack", Pack, "return_id"),

        Invalid("ship back: carrier empty", Engineer3, Post, "/api/v1/returns/{packed_return}:ship", ShipBack.With("carrier", ""), "carrier"),
        Invalid("ship back: carrier 10,000 characters", Engineer3, Post, "/api/v1/returns/{packed_return}:ship", ShipBack.With("carrier", "{long}"), "carrier"),
        Invalid("ship back: tracking number empty", Engineer3, Post, "/api/v1/returns/{packed_return}:ship", ShipBack.With("trackingNo", ""), "tracking_no"),
        Invalid("ship back: tracking number with a space", Engineer3, Post, "/api/v1/returns/{packed_return}:ship", ShipBack.With("trackingNo", "BACK 1"), "tracking_no"),
        WrongState("ship back: a return not packed", Engineer3, Post, "/api/v1/returns/{open_return}:ship", ShipBack, "pack"),
        Unknown("ship back: an unknown return", Engineer3, Post, "/api/v1/returns/NO-RETURN-{id}:ship", ShipBack, "NO-RETURN-{id}"),

        Invalid("inspect: an unknown result", Warehouse, Post, "/api/v1/returns/{received_return}:inspect", Inspect.With("result", "exploded"), "result"),
        Invalid("inspect: result empty", Warehouse, Post, "/api/v1/returns/{received_return}:inspect", Inspect.With("result", ""), "result"),
        Invalid("inspect: no fault found without a bin", Warehouse, Post, "/api/v1/returns/{received_return}:inspect", Inspect.With("result", "no-fault-found"), "bin"),
        Invalid("inspect: a bin with a space", Warehouse, Post, "/api/v1/returns/{received_return}:inspect", Inspect.With("result", "no-fault-found").With("bin", "A 02"), "bin"),
        Invalid("inspect: note 10,000 characters", Warehouse, Post, "/api/v1/returns/{received_return}:inspect", Inspect.With("note", "{long}"), "note"),
        WrongState("inspect: a return not received yet", Warehouse, Post, "/api/v1/returns/{open_return}:inspect", Inspect, "Open"),
        Unknown("inspect: an unknown return", Warehouse, Post, "/api/v1/returns/NO-RETURN-{id}:inspect", Inspect, "NO-RETURN-{id}"),

        Unknown("get: an unknown return", Supervisor, Get, "/api/v1/returns/NO-RETURN-{id}", null, "NO-RETURN-{id}"),
        Invalid("get: return_id of 300 characters", Supervisor, Get, "/api/v1/returns/{long300}", null, "return_id"),
        Invalid("list: an unknown state", Supervisor, Get, "/api/v1/returns?state=Lost", null, "state"),
        Invalid("list: page_size negative", Supervisor, Get, "/api/v1/returns?pageSize=-1", null, "page_size"),
        Invalid("list: page_size too large", Warehouse, Get, "/api/v1/returns?pageSize=501", null, "page_size"),
        Invalid("list: page_token not one the API gave", Supervisor, Get, "/api/v1/returns?pageToken=Zm9vYmFy", null, "page_token"),
        Invalid("list: overdue is not a boolean", Supervisor, Get, "/api/v1/returns?overdue=2", null, "overdue"),
    ];

    // ---------------------------------------------------------------- doa

    private const string Claim = """{"requestId":"{claimable}","serial":"{claimable_serial}","detectedAt":"unboxing","symptom":"no power on unboxing","evidenceRefs":["PHOTO-1"],"outerPackagingIntact":true}""";

    public static readonly Case[] Doa =
    [
        Invalid("file: an unknown detection point", Dm, Post, "/api/v1/doa-claims", Claim.With("detectedAt", "sometime"), "detected_at"),
        Invalid("file: detection point empty", Dm, Post, "/api/v1/doa-claims", Claim.With("detectedAt", ""), "detected_at"),
        Invalid("file: request_id empty", Dm, Post, "/api/v1/doa-claims", Claim.With("requestId", ""), "request_id"),
        Invalid("file: serial empty", Dm, Post, "/api/v1/doa-claims", Claim.With("serial", ""), "serial"),
        Invalid("file: serial with a space", Dm, Post, "/api/v1/doa-claims", Claim.With("serial", "SN 1"), "serial"),
        Invalid("file: symptom empty", Dm, Post, "/api/v1/doa-claims", Claim.With("symptom", ""), "symptom"),
        Invalid("file: symptom 10,000 characters", Dm, Post, "/api/v1/doa-claims", Claim.With("symptom", "{long}"), "symptom"),
        Invalid("file: outer packaging not stated", Dm, Post, "/api/v1/doa-claims", Claim.Without("outerPackagingIntact"), "outer_packaging_intact"),
        Invalid("file: an empty evidence reference", Dm, Post, "/api/v1/doa-claims", Claim.With("evidenceRefs", Raw("""[""]""")), "evidence_refs"),
        Invalid("file: detected_on not a time", Dm, Post, "/api/v1/doa-claims", Claim.With("detectedOn", "not-a-time"), "detected_on"),
        Invalid("file: power-on without the first power-on time", Dm, Post, "/api/v1/doa-claims", Claim.With("detectedAt", "power-on"), "first_power_on_at"),
        WrongState("file: power-on past 48 hours", Dm, Post, "/api/v1/doa-claims", Claim.With("detectedAt", "power-on").With("firstPowerOnAt", "{three_days_ago}"), "48"),
        WrongState("file: after site acceptance", Dm, Post, "/api/v1/doa-claims", Claim.With("siteAcceptedAt", "{minutes_ago}"), "accept"),
        WrongState("file: a serial not delivered on the request", Dm, Post, "/api/v1/doa-claims", Claim.With("serial", "{delivered_serial}"), "{delivered_serial}"),
        WrongState("file: a unit already claimed", Dm, Post, "/api/v1/doa-claims", Claim.With("requestId", "{claimed_request}").With("serial", "{claimed_serial}"), "{claim}"),
        new("file: an unknown request", Dm, Post, "/api/v1/doa-claims", Claim.With("requestId", "NO-REQ-{id}"),
            [HttpStatusCode.BadRequest, HttpStatusCode.NotFound], null, "NO-REQ-{id}"),
        Invalid("file: an idempotency key of 200 characters", Dm, Post, "/api/v1/doa-claims", Claim, "idempotency-key") with { Key = new string('k', 200) },
        Malformed("file: malformed JSON", Dm, Post, "/api/v1/doa-claims", """{"requestId":"{claimable}","""),
        Malformed("file: evidence refs is an object", Dm, Post, "/api/v1/doa-claims", Claim.With("evidenceRefs", Raw("""{"a":1}"""))),

        Unknown("approve: an unknown claim", Dm2, Post, "/api/v1/doa-claims/NO-CLAIM-{id}:approve", "{}", "NO-CLAIM-{id}"),
        Invalid("approve: claim_id with a space", Dm2, Post, "/api/v1/doa-claims/DOA%20{id}:approve", "{}", "claim_id"),
        Malformed("approve: malformed JSON", Dm2, Post, "/api/v1/doa-claims/{claim}:approve", "{]"),
        Invalid("reject: reason empty", Dm2, Post, "/api/v1/doa-claims/{claim}:reject", """{"reason":""}""", "reason"),
        Invalid("reject: reason whitespace", Dm2, Post, "/api/v1/doa-claims/{claim}:reject", """{"reason":"  "}""", "reason"),
        Invalid("reject: reason 10,000 characters", Dm2, Post, "/api/v1/doa-claims/{claim}:reject", """{"reason":"{long}"}""", "reason"),
        Unknown("reject: an unknown claim", Dm2, Post, "/api/v1/doa-claims/NO-CLAIM-{id}:reject", """{"reason":"works"}""", "NO-CLAIM-{id}"),
        Invalid("inspect: an unknown result", Warehouse, Post, "/api/v1/doa-claims/{claim}:inspect", """{"result":"kaput"}""", "result"),
        Invalid("inspect: result empty", Warehouse, Post, "/api/v1/doa-claims/{claim}:inspect", """{"result":""}""", "result"),
        WrongState("inspect: a claim whose unit has not come back", Warehouse, Post, "/api/v1/doa-claims/{claim}:inspect", """{"result":"confirmed-doa"}""", "Filed"),
        Unknown("inspect: an unknown claim", Warehouse, Post, "/api/v1/doa-claims/NO-CLAIM-{id}:inspect", """{"result":"confirmed-doa"}""", "NO-CLAIM-{id}"),

        Unknown("get: an unknown claim", Dm, Get, "/api/v1/doa-claims/NO-CLAIM-{id}", null, "NO-CLAIM-{id}"),
        Invalid("get: claim_id with a control character", Dm, Get, "/api/v1/doa-claims/DOA%01{id}", null, "claim_id"),
        Invalid("list: an unknown state", Dm, Get, "/api/v1/doa-claims?state=Zombie", null, "state"),
        Invalid("list: page_size negative", Supervisor, Get, "/api/v1/doa-claims?pageSize=-3", null, "page_size"),
        Invalid("list: page_size too large", Dm, Get, "/api/v1/doa-claims?pageSize=501", null, "page_size"),
        Invalid("list: page_token not one the API gave", Dm, Get, "/api/v1/doa-claims?pageToken=xyz", null, "page_token"),
    ];

    // ---------------------------------------------------------------- custody (read only)

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

    public static TheoryData<string> InventoryCases => Names(Inventory);
    public static TheoryData<string> RequestsCases => Names(Requests);
    public static TheoryData<string> ReceiptsCases => Names(Receipts);
    public static TheoryData<string> ReturnsCases => Names(Returns);
    public static TheoryData<string> DoaCases => Names(Doa);
    public static TheoryData<string> CustodyCases => Names(Custody);

    [Theory, MemberData(nameof(InventoryCases))]
    public async Task Inventory_refuses_and_changes_nothing(string @case) => await RunAsync(await InventoryWorldAsync(), Inventory, @case);

    [Theory, MemberData(nameof(RequestsCases))]
    public async Task Requests_refuses_and_changes_nothing(string @case) => await RunAsync(await FlowsWorldAsync(), Requests, @case);

    [Theory, MemberData(nameof(ReceiptsCases))]
    public async Task Receipts_refuses_and_changes_nothing(string @case) => await RunAsync(await FlowsWorldAsync(), Receipts, @case);

    [Theory, MemberData(nameof(ReturnsCases))]
    public async Task Returns_refuses_and_changes_nothing(string @case) => await RunAsync(await FlowsWorldAsync(), Returns, @case);

    [Theory, MemberData(nameof(DoaCases))]
    public async Task Doa_refuses_and_changes_nothing(string @case) => await RunAsync(await FlowsWorldAsync(), Doa, @case);

    [Theory, MemberData(nameof(CustodyCases))]
    public async Task Custody_refuses_and_changes_nothing(string @case) => await RunAsync(await InventoryWorldAsync(), Custody, @case);

    /// <summary>
    /// Garbage sent to every mutating REST route of the gateway (read from its settings), at ids that do not exist, by a
    /// user holding every role: never a 5xx, never a success. Collects every offence, then asserts there are none.
    /// </summary>
    [Fact]
    public async Task Garbage_on_every_mutating_route_never_answers_500_and_never_succeeds()
    {
        var id = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        using var everyone = await stack.RestAsAsync($"fuzz-{id}", "engineer", "warehouse", "supervisor", "delivery-manager", "auditor", "admin");
        var routes = GatewayRoutes.Load().Where(r => r.Listener == "http" && r.Methods.Any(m => m is Post or Put)).ToList();
        Assert.True(routes.Count >= 25, $"only {routes.Count} mutating routes found in the gateway settings");
        string[] garbage =
        [
            "{", "not json", "null", "[]", "\"text\"", "42", "{}", """{"quantity":"many","serials":{"a":1}}""", """{"quantity":1e40,"countedQuantity":-1e40}""",
            """{"description":null,"bins":[null],"lines":[null],"reasons":[null],"evidenceRefs":[null]}""",
            JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["partNumber"] = Long, ["description"] = Long, ["name"] = Long, ["ticketId"] = Long, ["reference"] = Long, ["kind"] = Long,
                ["condition"] = Long, ["result"] = Long, ["carrier"] = Long, ["trackingNo"] = Long, ["reason"] = Long, ["serial"] = Long, ["centreId"] = Long,
            }),
            """{"esdBagSealed":"\u0000","faultTag":{"faultDate":"31/02/2020"},"detectedOn":"yesterday","packaging":[]}""",
        ];
        var offences = new List<string>();
        var calls = 0;
        foreach (var route in routes)
        {
            var path = route.Sample($"NO-{id}");
            foreach (var method in route.Methods.Where(m => m is Post or Put))
                foreach (var body in garbage.Append(""))
                {
                    calls++;
                    var (status, text) = await SendAsync(everyone, method, path, body, body == "" ? "text/plain" : "application/json");
                    if ((int)status >= 500 || (int)status < 400)
                        offences.Add($"{route.Name}: {method} {path} {Shorten(body)} → {(int)status} {Shorten(text)}");
                }
        }
        Assert.True(offences.Count == 0, $"{offences.Count} of {calls} garbage calls answered a 5xx or a success:\n" + string.Join("\n", offences));
    }

    // ---------------------------------------------------------------- running a row

    private static readonly string Long = new('x', 10_000);

    private static TheoryData<string> Names(Case[] cases)
    {
        var data = new TheoryData<string>();
        foreach (var c in cases) data.Add(c.Name);
        return data;
    }

    private static async Task RunAsync(World world, Case[] table, string name)
    {
        var c = table.Single(x => x.Name == name);
        var path = world.Fill(c.Path);
        var body = c.Body is null ? null : world.Fill(c.Body);
        var named = world.Fill(c.Named);
        var before = await world.StateAsync();

        var (status, text) = await SendAsync(world.Client(c.Who), c.Method, path, body, idempotencyKey: c.Key);

        var call = $"{c.Who}: {c.Method} {Shorten(path)} {Shorten(body ?? "")} → {(int)status} {Shorten(text, 600)}";
        Assert.True((int)status < 500, "a server error: " + call);
        Assert.True(c.Statuses.Contains(status), $"expected {string.Join(" or ", c.Statuses.Select(s => (int)s))}; {call}");
        if (c.Code is { } code)
            Assert.True(CodeOf(text) == code, $"expected gRPC code {code} in the body; {call}");
        if (named != "")
            Assert.True(text.Contains(named, StringComparison.Ordinal), $"the answer does not name '{Shorten(named)}'; {call}");
        var after = await world.StateAsync();
        Assert.True(before == after, $"the refused call changed the stored state; {call}\nbefore: {before}\nafter:  {after}");
    }

    private static int? CodeOf(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number
                ? code.GetInt32() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text, int max = 160) => text.Length <= max ? text : text[..max] + $"…({text.Length} chars)";

    /// <summary>Sends one call; a 429 (the per-user rate limit) is waited out and sent again, as a client would.</summary>
    internal static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, string method, string path, string? body,
        string contentType = "application/json", string? idempotencyKey = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
            if (body is not null) request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { { "Content-Type", contentType } } };
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < 10)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                continue;
            }
            return (response.StatusCode, text);
        }
    }

    // ---------------------------------------------------------------- the worlds

    /// <summary>A world the rows run in: its people, the values its tokens stand for, and a reading of everything it stored.</summary>
    internal sealed class World(TestStack stack, Flow flow, Dictionary<string, HttpClient> clients, Dictionary<string, string> values, HttpClient? reader)
    {
        public Flow Flow { get; } = flow;

        public HttpClient Client(string who) => clients[who];

        public string Fill(string template)
        {
            foreach (var (key, value) in values) template = template.Replace("{" + key + "}", value, StringComparison.Ordinal);
            return template;
        }

        /// <summary>The world's rows in every service's schema, and (for inventory) its stock levels and serials in Redis.</summary>
        public async Task<string> StateAsync()
        {
            var rows = await StoredState.OfAsync(stack, Flow.Id);
            if (reader is null) return rows;
            var stock = await Ok(await reader.GetAsync($"/api/v1/centres/{Flow.Centre}/stock"));
            var serials = await Ok(await reader.GetAsync($"/api/v1/centres/{Flow.Centre}/serials?partNumber={Flow.Part}"));
            return rows + " | redis " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(stock.GetRawText() + serials.GetRawText())))[..16];
        }
    }

    private static readonly SemaphoreSlim Building = new(1, 1);
    private static (TestStack Stack, World World)? _inventoryWorld;
    private static (TestStack Stack, World World)? _flowsWorld;

    private async Task<World> InventoryWorldAsync()
    {
        await Building.WaitAsync();
        try
        {
            if (_inventoryWorld is { } built && ReferenceEquals(built.Stack, stack)) return built.World;
            var world = await BuildInventoryWorldAsync();
            _inventoryWorld = (stack, world);
            return world;
        }
        finally
        {
            Building.Release();
        }
    }

    private async Task<World> FlowsWorldAsync()
    {
        await Building.WaitAsync();
        try
        {
            if (_flowsWorld is { } built && ReferenceEquals(built.Stack, stack)) return built.World;
            var world = await BuildFlowsWorldAsync();
            _flowsWorld = (stack, world);
            return world;
        }
        finally
        {
            Building.Release();
        }
    }

    private static Dictionary<string, string> CommonValues(Flow f) => new()
    {
        ["long300"] = new string('x', 300), ["long"] = Long, ["id"] = f.Id, ["centre"] = f.Centre, ["part"] = f.Part,
        ["fault_date"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("O"),
    };

    private static Dictionary<string, HttpClient> CommonClients(Flow f) => new()
    {
        [Admin] = f.Admin, [Warehouse] = f.Warehouse, [Engineer] = f.Eng, [Supervisor] = f.Sup, [Dm] = f.Dm, [Dm2] = f.Dm2, [Auditor] = f.Auditor,
    };

    /// <summary>
    /// A stocked centre (3 serials of a board in A-01), a quantity-tracked cable (10 in A-02), a reservation, a count of the
    /// cable in progress and a count of bin A-01 ready to review.
    /// </summary>
    private async Task<World> BuildInventoryWorldAsync()
    {
        var f = await StockedAsync(stack);
        var values = CommonValues(f);
        values["cable"] = $"CBL-{f.Id}";
        await Ok(await f.Admin.PutAsJsonAsync($"/api/v1/parts/{values["cable"]}", new { description = "Fibre cable", serialized = false, unit = "pcs" }));
        await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/centres/{f.Centre}/goods-in", new { partNumber = values["cable"], bin = "A-02", quantity = 10 }));
        values["reservation"] = Text(await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/centres/{f.Centre}/reservations",
            new { partNumber = f.Part, quantity = 1, reference = "REF-" + f.Id })), "reservationId");
        values["counting"] = Text(await Ok(await f.Warehouse.PostAsJsonAsync("/api/v1/counts", new { centreId = f.Centre, partNumbers = new[] { values["cable"] } })), "countId");
        var review = Text(await Ok(await f.Warehouse.PostAsJsonAsync("/api/v1/counts", new { centreId = f.Centre, bins = new[] { "A-01" } })), "countId");
        await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/counts/{review}/lines",
            new { lines = new[] { new { bin = "A-01", partNumber = f.Part, countedQuantity = f.Serials.Count, serialsSeen = f.Serials } } }));
        Assert.Equal("ReadyToReview", Text(await Ok(await f.Warehouse.PostAsJsonAsync($"/api/v1/counts/{review}:close", new { })), "state"));
        values["review"] = review;
        // Its own reader, so that reading the stock around every row does not spend the callers' rate limit.
        var world = new World(stack, f, CommonClients(f), values, reader: await stack.RestAsAsync($"reader-{f.Id}", "warehouse", "auditor"));
        await SettleAsync(world);
        return world;
    }

    /// <summary>
    /// One centre with 8 boards and three engineers. The engineer: a reserved request, one awaiting approval, one delivered
    /// (with its receipt) and one shipped but not signed for. The other engineer: two delivered units, one under a filed DOA
    /// claim. A third engineer: three swaps whose faulty-part returns are Open, Packed and Received.
    /// </summary>
    private async Task<World> BuildFlowsWorldAsync()
    {
        var f = await StockedAsync(stack, units: 8);
        var eng3 = await stack.RestAsAsync($"eng3-{f.Id}", "engineer");
        var s = f.Serials;
        var values = new ConcurrentDictionary<string, string>(); // the three engineers' setups run at once

        async Task FirstEngineerAsync()
        {
            values["reserved"] = await f.ReservedRequestAsync();
            values["free_serial"] = s[0];
            values["delivered"] = await DeliverAsync(f, f.Eng, s[1]);
            values["delivered_serial"] = s[1];
            values["receipt"] = Text((await Ok(await f.Eng.GetAsync($"/api/v1/receipts?reference={values["delivered"]}"))).GetProperty("receipts")[0], "receiptId");
            var shipped = await f.ReservedRequestAsync();
            await f.ShipAsync(shipped, s[2]);
            await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM receipts.shipments WHERE reference = $1", shipped) == 1,
                Settle, "receipts knows the shipment");
            values["shipped"] = shipped;
            values["shipped_serial"] = s[2];
            var submitted = await f.SubmitAsync(quantity: 3);
            Assert.Equal("Submitted", Text(submitted, "state"));
            values["submitted"] = Text(submitted, "requestId");
        }

        async Task SecondEngineerAsync()
        {
            var claimed = await DeliverAsync(f, f.OtherEng, s[3]);
            var claim = await Eventually.Until(async () => await f.Dm.PostAsJsonAsync("/api/v1/doa-claims",
                    new { requestId = claimed, serial = s[3], detectedAt = "unboxing", symptom = "no power", evidenceRefs = new[] { "PHOTO-1" }, outerPackagingIntact = true }),
                r => r.IsSuccessStatusCode, Settle, "doa knows the delivery");
            values["claim"] = Text(await Ok(claim), "claimId");
            values["claimed_request"] = claimed;
            values["claimed_serial"] = s[3];
            values["claimable"] = await DeliverAsync(f, f.OtherEng, s[4]);
            values["claimable_serial"] = s[4];
            await Eventually.Until(async () => await stack.ScalarAsync<long>("SELECT count(*) FROM doa.deliveries WHERE serial = $1", s[4]) == 1,
                Settle, "doa knows the second delivery");
        }

        async Task ThirdEngineerAsync()
        {
            async Task<(string Request, string Return, string Faulty)> SwapAsync(int n)
            {
                var request = await DeliverAsync(f, eng3, s[4 + n]);
                var faulty = $"FAULTY-{f.Id}-{n}";
                await Ok(await eng3.PostAsJsonAsync($"/api/v1/part-requests/{request}:install",
                    new { installedSerial = s[4 + n], removedSerial = faulty, equipmentId = "EQ-" + f.Id }));
                var opened = await Eventually.Until(async () =>
                    {
                        var list = await Ok(await f.Sup.GetAsync($"/api/v1/returns?engineerId=eng3-{f.Id}"));
                        return list.GetProperty("returns").EnumerateArray().FirstOrDefault(r => Text(r, "requestId") == request);
                    }, r => r.ValueKind == JsonValueKind.Object, Settle, $"the return of {request}");
                return (request, Text(opened, "returnId"), faulty);
            }

            var open = await SwapAsync(1);
            values["open_request"] = open.Request;
            values["open_return"] = open.Return;
            values["open_faulty"] = open.Faulty;
            var packed = await SwapAsync(2);
            await Ok(await eng3.PostAsJsonAsync($"/api/v1/returns/{packed.Return}:pack", f.Packing(packed.Request, packed.Faulty)));
            values["packed_return"] = packed.Return;
            var received = await SwapAsync(3);
            await Ok(await eng3.PostAsJsonAsync($"/api/v1/returns/{received.Return}:pack", f.Packing(received.Request, received.Faulty)));
            await Ok(await eng3.PostAsJsonAsync($"/api/v1/returns/{received.Return}:ship", new { carrier = "SF Express", trackingNo = "BACK-" + f.Id }));
            await Eventually.Until(async () => (await f.Warehouse.PostAsJsonAsync("/api/v1/receipts", Receipt("engineer-to-centre", received.Return, [received.Faulty]))).IsSuccessStatusCode,
                Settle, "the centre signs for the return");
            await f.ReturnInStateAsync(received.Return, "Received");
            values["received_return"] = received.Return;
        }

        await Task.WhenAll(FirstEngineerAsync(), SecondEngineerAsync(), ThirdEngineerAsync());
        var all = CommonValues(f);
        foreach (var (key, value) in values) all[key] = value;
        all["three_days_ago"] = DateTimeOffset.UtcNow.AddDays(-3).ToString("O");
        all["minutes_ago"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O");
        var clients = CommonClients(f);
        clients[Engineer3] = eng3;
        var world = new World(stack, f, clients, all, reader: null);
        await SettleAsync(world);
        return world;
    }

    /// <summary>Request → reserved → shipped with <paramref name="serial"/> → signed for by the engineer → Delivered.</summary>
    internal static async Task<string> DeliverAsync(Flow f, HttpClient engineer, string serial)
    {
        var id = Text(await f.SubmitAsync(by: engineer), "requestId");
        await f.RequestInStateAsync(id, "Reserved");
        await f.ShipAsync(id, serial);
        await Eventually.Until(async () => (await engineer.PostAsJsonAsync("/api/v1/receipts", Receipt("centre-to-engineer", id, [serial]))).IsSuccessStatusCode,
            Settle, $"receipts knows the shipment of {id}");
        await f.RequestInStateAsync(id, "Delivered");
        return id;
    }

    /// <summary>Waits until the events the setup caused have all been handled: the stored state reads the same three times in a row.</summary>
    private static Task SettleAsync(World world) => StoredState.SettledAsync(world.StateAsync);
}

/// <summary>A reading of every row a world (named by its id) has in the services' schemas, to compare before and after a call.</summary>
internal static class StoredState
{
    private const string Rows = "md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) || ':' || count(*)";

    private static readonly (string Table, string Where, bool CountOnly)[] Tables =
    [
        ("inventory.parts", "part_number LIKE $1", false),
        ("inventory.centres", "centre_id LIKE $1", false),
        ("inventory.counts", "centre_id LIKE $1", false),
        ("inventory.count_commands", "count_id IN (SELECT count_id FROM inventory.counts WHERE centre_id LIKE $1)", false),
        ("inventory.serial_holders", "centre_id LIKE $1", false),
        ("inventory.movements", "centre_id LIKE $1", true),
        ("requests.requestable_parts", "part_number LIKE $1", false),
        ("requests.part_requests", "centre_id LIKE $1 OR engineer_id LIKE $1", false),
        ("requests.shelf_serials", "centre_id LIKE $1", false),
        ("requests.faulty_part_returns", "engineer_id LIKE $1", false),
        ("requests.calendars", "calendar_id LIKE $1", false),
        ("requests.sites", "site_id LIKE $1", false),
        ("receipts.shipments", "centre_id LIKE $1 OR addressed_to LIKE $1", false),
        ("receipts.receipts", "received_by LIKE $1 OR reference IN (SELECT reference FROM receipts.shipments WHERE centre_id LIKE $1)", false),
        ("returns.returns", "centre_id LIKE $1 OR engineer_id LIKE $1", false),
        ("doa.deliveries", "centre_id LIKE $1", false),
        ("doa.doa_claims", "part_number LIKE $1 OR filed_by LIKE $1 OR engineer_id LIKE $1", false),
    ];

    private static readonly string[] Schemas = ["inventory", "requests", "receipts", "returns", "doa"];

    private static readonly string Sql = "SELECT concat_ws(' ', " + string.Join(", ",
        Tables.Select(t => $"'{t.Table}=' || (SELECT {(t.CountOnly ? "count(*)" : Rows)} FROM {t.Table} t WHERE {t.Where})")
            .Concat(Schemas.Select(s => $"'{s}.outbox=' || (SELECT count(*) FROM {s}.outbox WHERE payload::text LIKE $1)"))
            .Concat(Schemas.Select(s => $"'{s}.idempotency_keys=' || (SELECT count(*) FROM {s}.idempotency_keys WHERE caller LIKE $1)"))) + ")";

    public static async Task<string> OfAsync(TestStack stack, string worldId) =>
        await stack.ScalarAsync<string>(Sql, $"%{worldId}%") ?? "";

    /// <summary>Waits until what the setup set off has been handled: the world reads the same three times in a row.</summary>
    public static Task SettledAsync(TestStack stack, string worldId) => SettledAsync(() => OfAsync(stack, worldId));

    public static async Task SettledAsync(Func<Task<string>> read)
    {
        var last = "";
        var same = 0;
        await Eventually.Until(async () =>
        {
            var now = await read();
            same = now == last ? same + 1 : 0;
            last = now;
            await Task.Delay(300);
            return same >= 2;
        }, Flow.Settle, "the world to settle");
    }
}

/// <summary>
/// A route of the gateway to a service's method, as the gateway builds it from the protos (Logistics.Access.V1.ApiCatalogue):
/// its path, verb, listener, and the roles the method's access option lets in.
/// </summary>
internal sealed record GatewayRoute(string Name, string Path, string[] Methods, string[] Allowed, string Listener)
{
    /// <summary>Headers the route matches on besides the path (the dead letters' gRPC routes: `logistics-service`).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public static string SettingsPath => RepoLayout.PathOf("gateway/Logistics.Gateway/appsettings.json");

    public static JsonElement Settings()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SettingsPath));
        return doc.RootElement.Clone();
    }

    /// <summary>The path with every {parameter} (and {**catch-all}) replaced by <paramref name="placeholder"/>.</summary>
    public string Sample(string placeholder) =>
        System.Text.RegularExpressions.Regex.Replace(Path, @"\{\*{0,2}[A-Za-z_]+\}", placeholder);
}

internal static class GatewayRoutes
{
    public static readonly string[] AllRoles = ["engineer", "warehouse", "supervisor", "delivery-manager", "auditor", "admin"];

    /// <summary>
    /// Every REST route, and the gRPC routes of the first and the last method of each gRPC service of each service: the
    /// gateway's own tests call every gRPC method with every role (Logistics.Gateway.Tests, ApiRouteTests); here some
    /// cross the whole stack.
    /// </summary>
    public static IReadOnlyList<GatewayRoute> Load()
    {
        var methods = ApiCatalogue.Methods;
        var rest = methods.Where(m => m.Rest is not null).Select(m => new GatewayRoute(
            $"{m.Service} {m.Rest!.Verb} {m.Rest.Path}", m.Rest.Path, [m.Rest.Verb], Allowed(m), "http"));
        var grpc = methods.GroupBy(m => (m.Service, m.Method.Service)).SelectMany(g => new[] { g.First(), g.Last() }).Distinct().Select(m => new GatewayRoute(
            $"{m.Service} gRPC {m.GrpcPath}", m.GrpcPath, [], Allowed(m), "grpc")
        {
            Headers = m.IsShared ? new Dictionary<string, string> { [ApiCatalogue.ServiceHeader] = m.Service } : new Dictionary<string, string>(),
        });
        return [.. rest, .. grpc];
    }

    private static string[] Allowed(ApiMethod method) => method.AnySignedIn ? AllRoles : [.. method.Roles];
}

/// <summary>Small edits of a JSON template, so a table row reads as "the good body, with this one field wrong".</summary>
internal static class JsonEdits
{
    /// <summary>A JSON fragment written as is (a number beyond range, an array, an object).</summary>
    public sealed record RawJson(string Text);

    public static RawJson Raw(string text) => new(text);

    /// <summary>The template with the field at <paramref name="path"/> ("a.b", "lines.0.c") set to <paramref name="value"/>.</summary>
    public static string With(this string json, string path, object? value) => Edit(json, path, parent => SetIn(parent, Last(path), value));

    public static string Without(this string json, string path) => Edit(json, path, parent => parent.AsObject().Remove(Last(path)));

    private static string Last(string path) => path.Split('.')[^1];

    private static string Edit(string json, string path, Action<JsonNode> change)
    {
        var root = JsonNode.Parse(json)!;
        var parent = root;
        foreach (var step in path.Split('.')[..^1])
            parent = int.TryParse(step, out var index) ? parent[index]! : parent[step]!;
        change(parent);
        return root.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static void SetIn(JsonNode parent, string name, object? value) =>
        parent[name] = value switch
        {
            RawJson raw => JsonNode.Parse(raw.Text),
            null => null,
            _ => JsonSerializer.SerializeToNode(value),
        };
}
