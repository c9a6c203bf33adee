using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Logistics.Access.V1;
using Logistics.LocalStack;
using Logistics.Testing;
using static Logistics.Testing.BadInput;
using static Logistics.Testing.Flow;
using static Logistics.Testing.JsonEdits;

namespace Logistics.EndToEnd.Tests;

/// <summary>
/// Bad input (a clear error naming the field, nothing written), through the gateway's REST API, over every public method of the services whose bad calls need
/// a world that only the services' events build together: one table per service, one row per bad call (see
/// <see cref="BadInput"/>): the call must change nothing, the world's rows in every service's schema read the same before
/// and after. Rows run against one world (requests, shipments, returns and a DOA claim in every state the rows need);
/// tokens in paths and bodies ({centre}, {reserved}, ...) are filled from it. Inventory's and custody's rows run at the
/// service tier (tests/Logistics.Inventory.Tests/Service, tests/Logistics.Custody.Tests/Service), against the service alone.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class BadInputSweepTests(TestStack stack)
{
    private const string Admin = "admin", Warehouse = "warehouse", Engineer = "engineer", Supervisor = "supervisor", Dm = "dm", Dm2 = "dm2",
        Auditor = "auditor", Engineer3 = "engineer3";

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

    public static TheoryData<string> RequestsCases => Names(Requests);
    public static TheoryData<string> ReceiptsCases => Names(Receipts);
    public static TheoryData<string> ReturnsCases => Names(Returns);
    public static TheoryData<string> DoaCases => Names(Doa);

    [Theory, MemberData(nameof(RequestsCases))]
    public async Task Requests_refuses_and_changes_nothing(string @case) => await RunAsync(await FlowsWorldAsync(), Requests, @case);

    [Theory, MemberData(nameof(ReceiptsCases))]
    public async Task Receipts_refuses_and_changes_nothing(string @case) => await RunAsync(await FlowsWorldAsync(), Receipts, @case);

    [Theory, MemberData(nameof(ReturnsCases))]
    public async Task Returns_refuses_and_changes_nothing(string @case) => await RunAsync(await FlowsWorldAsync(), Returns, @case);

    [Theory, MemberData(nameof(DoaCases))]
    public async Task Doa_refuses_and_changes_nothing(string @case) => await RunAsync(await FlowsWorldAsync(), Doa, @case);

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

    private static Task RunAsync(World world, Case[] table, string name) => BadInput.RunAsync(table, name, world.Fill, world.Client, world.StateAsync);

    // ---------------------------------------------------------------- the worlds

    /// <summary>A world the rows run in: its people, the values its tokens stand for, and a reading of everything it stored.</summary>
    internal sealed class World(TestStack stack, Flow flow, Dictionary<string, HttpClient> clients, Dictionary<string, string> values)
    {
        public Flow Flow { get; } = flow;

        public HttpClient Client(string who) => clients[who];

        public string Fill(string template)
        {
            foreach (var (key, value) in values) template = template.Replace("{" + key + "}", value, StringComparison.Ordinal);
            return template;
        }

        /// <summary>The world's rows in every service's schema.</summary>
        public Task<string> StateAsync() => StoredState.OfAsync(stack, Flow.Id);
    }

    private static readonly SemaphoreSlim Building = new(1, 1);
    private static (TestStack Stack, World World)? _flowsWorld;

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
        var world = new World(stack, f, clients, all);
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
