using System.Globalization;
using Grpc.Core;
using Microsoft.Net.Http.Headers;

namespace Logistics.Web.Export;

/// <summary>
/// A CSV download streamed as it is read: the first page is read before anything is answered (so a refusal is still a
/// 400, 403 or 404 with the service's message), then the BOM, the header and every page, each flushed as it comes. A
/// browser that goes away cancels the reads at once.
/// </summary>
public sealed class CsvExport<T>(string name, IReadOnlyList<CsvColumn<T>> columns, Func<CancellationToken, IAsyncEnumerable<IReadOnlyList<T>>> pages)
    : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Logistics.Web.Export");
        var reader = pages(ct).GetAsyncEnumerator(ct);
        try
        {
            bool any;
            try { any = await reader.MoveNextAsync(); }
            catch (RpcException e)
            {
                await CsvExports.Refused(e).ExecuteAsync(http);
                return;
            }
            catch (Exception e) when (e is OperationCanceledException or RpcException && ct.IsCancellationRequested) { return; }

            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = CsvExports.FileName(name, http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()) }.ToString();
            http.Response.Headers.CacheControl = "no-store";
            long read = 0; // rows read from the service so far
            async IAsyncEnumerable<IReadOnlyList<T>> Counted(IAsyncEnumerable<IReadOnlyList<T>> source)
            {
                await foreach (var page in source)
                {
                    read += page.Count;
                    yield return page;
                }
            }
            try
            {
                var rows = await Csv.WriteAsync(http.Response.Body, columns, Counted(any ? Continue(reader) : Empty()), ct);
                log.LogInformation("CSV export {List}: {Rows} rows", name, rows);
            }
            catch (Exception e) when (e is OperationCanceledException or RpcException or IOException && ct.IsCancellationRequested)
            {
                log.LogInformation("CSV export {List} stopped after {Rows} rows: the client went away", name, read);
            }
            catch (RpcException e)
            {
                // The answer has started: a later refusal can only cut the download short, never leave it looking whole.
                log.LogWarning("CSV export {List} cut short after {Rows} rows: {Status} {Detail}", name, read, e.StatusCode, e.Status.Detail);
                http.Abort();
            }
        }
        finally { await reader.DisposeAsync(); }
    }

    private static async IAsyncEnumerable<IReadOnlyList<T>> Continue(IAsyncEnumerator<IReadOnlyList<T>> reader)
    {
        yield return reader.Current;
        while (await reader.MoveNextAsync()) yield return reader.Current;
    }

    private static async IAsyncEnumerable<IReadOnlyList<T>> Empty()
    {
        await Task.CompletedTask;
        yield break;
    }
}

/// <summary>Building exports: from a list read page by page, or from rows already in memory (a dashboard's table).</summary>
public static class CsvExports
{
    /// <summary>Rows written per page of an in-memory sequence (each page is flushed).</summary>
    public const int RowsPerPage = 500;

    /// <summary>A download of a list read page by page (each page one call to a service).</summary>
    public static IResult Stream<T>(string name, IReadOnlyList<CsvColumn<T>> columns, Func<CancellationToken, IAsyncEnumerable<IReadOnlyList<T>>> pages) =>
        new CsvExport<T>(name, columns, pages);

    /// <summary>A download of rows already at hand (flat records: one property per column), written a page at a time.</summary>
    public static IResult Rows<T>(string name, IReadOnlyList<CsvColumn<T>> columns, IEnumerable<T> rows) =>
        new CsvExport<T>(name, columns, _ => Pages(rows));

    /// <summary>"{list}-{yyyy-MM-dd}.csv", the day of <paramref name="now"/> in UTC.</summary>
    public static string FileName(string name, DateTimeOffset now) => $"{name}-{now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv";

    /// <summary>A refused first read, as the HTTP answer the service's REST route would give, with its message.</summary>
    public static IResult Refused(RpcException e)
    {
        var status = e.StatusCode switch
        {
            StatusCode.InvalidArgument or StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
            StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
            StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
            StatusCode.NotFound => StatusCodes.Status404NotFound,
            StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
            _ => StatusCodes.Status502BadGateway,
        };
        return Results.Text(status == StatusCodes.Status502BadGateway ? "the service did not answer" : e.Status.Detail,
            "text/plain; charset=utf-8", statusCode: status);
    }

    private static async IAsyncEnumerable<IReadOnlyList<T>> Pages<T>(IEnumerable<T> rows)
    {
        await Task.CompletedTask;
        foreach (var page in rows.Chunk(RowsPerPage)) yield return page;
    }
}
