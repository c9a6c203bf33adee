using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Logistics.Hosting.Auth;
using Logistics.Hosting.Data;
using Logistics.Requests.Data;
using Logistics.Requests.Domain;
using Logistics.Requests.V1;
using Logistics.SharedKernel;
using Logistics.SharedKernel.Time;
using CalendarYearProto = Logistics.Requests.V1.CalendarYear;

namespace Logistics.Requests.Api;

/// <summary>
/// Working calendars and customer sites (docs/time.md): admins define them, anyone signed in reads them. A calendar
/// change is a new version; requests already submitted keep the deadlines they were given.
/// </summary>
public sealed class WorkingTimeApi(Commands commands, WorkingTimeStore store, TimeProvider clock) : WorkingTimeService.WorkingTimeServiceBase
{
    public override Task<Calendar> PutCalendar(PutCalendarRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var proposed = WorkingCalendar.Define(request.CalendarId, request.Name, 1, request.Years.Select(ToDomain).ToList());
        return commands.RunAsync(context, request, async tx =>
        {
            var ct = context.CancellationToken;
            var current = await store.FindCalendarForUpdateAsync(tx, proposed.CalendarId, ct);
            var next = WorkingCalendar.Apply(current?.Calendar, proposed);
            if (next is null) return ToProto(current!);
            var now = clock.GetUtcNow();
            await store.SaveCalendarAsync(tx, next, caller.UserId, now, ct);
            return ToProto(new StoredCalendar(next, caller.UserId, now));
        });
    }

    public override async Task<Calendar> GetCalendar(GetCalendarRequest request, ServerCallContext context)
    {
        var id = Require.Code(request.CalendarId, "calendar_id");
        if (request.Version < 0) throw new InvalidFieldException("version", $"must be 0 (the latest) or a version number (was {request.Version})");
        var found = await store.FindCalendarAsync(id, request.Version, context.CancellationToken)
            ?? throw new NotFoundException(request.Version == 0 ? $"calendar {id} does not exist" : $"calendar {id} has no version {request.Version}");
        return ToProto(found);
    }

    public override Task<Site> PutSite(PutSiteRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var proposed = CustomerSite.Define(request.SiteId, request.TimeZone, request.CalendarId, caller.UserId, clock.GetUtcNow());
        return commands.RunAsync(context, request, async tx =>
        {
            var ct = context.CancellationToken;
            if (!await store.CalendarExistsAsync(proposed.CalendarId, ct))
                throw new NotFoundException($"calendar {proposed.CalendarId} does not exist");
            var current = await store.FindSiteForUpdateAsync(tx, proposed.SiteId, ct);
            var next = CustomerSite.Apply(current, proposed);
            if (next is null) return ToProto(current!);
            await store.SaveSiteAsync(tx, next, ct);
            return ToProto(next);
        });
    }

    public override async Task<Site> GetSite(GetSiteRequest request, ServerCallContext context)
    {
        var id = Require.Code(request.SiteId, "site_id");
        var site = await store.FindSiteAsync(id, context.CancellationToken)
            ?? throw new NotFoundException($"site {id} is not registered (its requests run on their centre's zone and calendar)");
        return ToProto(site);
    }

    private static SharedKernel.Time.CalendarYear ToDomain(CalendarYearProto y)
    {
        var field = $"years[{y.Year}]";
        return new SharedKernel.Time.CalendarYear(
            y.Year,
            y.WorkingWeekdays.Select(d => CalendarJson.ParseWeekday(d, $"{field}.working_weekdays")).ToHashSet(),
            CalendarJson.ParseTime(y.OpensAt, $"{field}.opens_at"),
            CalendarJson.ParseTime(y.ClosesAt, $"{field}.closes_at"),
            y.Holidays.Select(d => CalendarJson.ParseDate(d, $"{field}.holidays")).ToHashSet(),
            y.ExtraWorkingDays.Select(d => CalendarJson.ParseDate(d, $"{field}.extra_working_days")).ToHashSet());
    }

    private static Calendar ToProto(StoredCalendar stored)
    {
        var c = stored.Calendar;
        var proto = new Calendar
        {
            CalendarId = c.CalendarId, Name = c.Name, Version = c.Version, FirstYear = c.FirstYear, LastYear = c.LastYear, DefinedBy = stored.DefinedBy,
            DefinedAt = stored.DefinedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        };
        foreach (var y in c.Years)
            proto.Years.Add(new CalendarYearProto
            {
                Year = y.Year,
                WorkingWeekdays = { y.WorkingWeekdays.Order().Select(d => d.ToString()) },
                OpensAt = y.OpensAt.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                ClosesAt = y.ClosesAt.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                Holidays = { y.Holidays.Order().Select(CalendarJson.Date) },
                ExtraWorkingDays = { y.ExtraWorkingDays.Order().Select(CalendarJson.Date) },
            });
        return proto;
    }

    private static Site ToProto(CustomerSite site) => new()
    {
        SiteId = site.SiteId, TimeZone = site.TimeZone, CalendarId = site.CalendarId, Version = site.Version, UpdatedBy = site.UpdatedBy,
        UpdatedAt = Timestamp.FromDateTimeOffset(site.UpdatedAt),
    };
}
