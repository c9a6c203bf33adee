using System.Net.Http.Json;
using Microsoft.Playwright;
using StbImageSharp;
using UglyToad.PdfPig;
using ZXing;
using ZXing.Common;
using static Logistics.Testing.Flow;
using static Microsoft.Playwright.Assertions;

namespace Logistics.Browser.Tests;

/// <summary>
/// The printables, printed through Chromium to PDF: the fault tag (A6) by the engineer after packing, the packing slip
/// (A4) by the centre, the blind count sheet (A4). Each PDF's page size and text are checked (PdfPig), and every barcode
/// is decoded back (ZXing.Net, from a screenshot of the printable at four device pixels per CSS pixel). Scanning the
/// tag's return barcode where returns are received opens that return.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PrintableTests(BrowserStack browser)
{
    private const double PointsPerMm = 72 / 25.4;

    [Fact]
    public async Task The_fault_tag_and_the_packing_slip_print_with_barcodes_that_decode_and_a_scanned_tag_opens_its_return()
    {
        var p = await ReturnedPart.PackedAsync(browser.Stack);
        var f = p.Flow;

        // The engineer prints the fault tag from the packed return.
        var engineer = await browser.SignInForPrintingAsync(f.Engineer, "engineer");
        await engineer.GotoAsync($"/returns/{p.ReturnId}");
        await Expect(engineer.Locator("#return-state")).ToHaveTextAsync("Packed");
        await engineer.GetByRole(AriaRole.Link, new() { Name = "Print the fault tag" }).ClickAsync();
        var tag = engineer.Locator("#fault-tag");
        await Expect(tag).ToContainTextAsync("board does not boot");
        await BrowserStack.ScreenshotAsync(engineer, "engineer-fault-tag-print");
        Assert.Equal([p.Faulty, p.ReturnId], await DecodeBarcodesAsync(tag));
        var (size, pages, text) = await PrintAsync(engineer, "fault-tag");
        Assert.Equal(1, pages);
        AssertSize(size, 105, 148); // A6
        foreach (var expected in new[] { "Fault tag", p.Faulty, p.ReturnId, p.RequestId, f.Part, "F006", "board does not boot", "V100R001", "TCK-" + f.Id, f.Centre })
            Assert.Contains(expected, text);
        Assert.DoesNotContain("Logistics", text); // the app bar is not printed

        // The centre prints the packing slip from the request it shipped.
        var warehouse = await browser.SignInForPrintingAsync(f.WarehouseUser, "warehouse", f.Centre);
        await warehouse.GotoAsync($"/requests/{p.RequestId}");
        await warehouse.GetByRole(AriaRole.Link, new() { Name = "Print the packing slip" }).ClickAsync();
        var slip = warehouse.Locator("#packing-slip");
        await Expect(slip).ToContainTextAsync("TRK-" + f.Id);
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-packing-slip-print");
        Assert.Equal([p.RequestId, p.Good], await DecodeBarcodesAsync(slip));
        (size, pages, text) = await PrintAsync(warehouse, "packing-slip");
        Assert.Equal(1, pages);
        AssertSize(size, 210, 297); // A4
        foreach (var expected in new[] { "Packing slip", p.RequestId, p.Good, "SF Express", "TRK-" + f.Id, "7x24x4", "Ship by", "ESD bag sealed", "yes", "tape", "PKG-1", f.Engineer })
            Assert.Contains(expected, text);

        // Where returns are received, scanning the tag's return barcode (what the scanner types) opens that return.
        await warehouse.GotoAsync("/warehouse");
        var scan = warehouse.GetByLabel("Scan a fault tag's return barcode");
        await scan.FillAsync(p.Faulty); // the serial barcode scanned by mistake
        await scan.PressAsync("Enter");
        await Expect(warehouse.GetByRole(AriaRole.Alert).Filter(new() { HasText = "is not a return id" })).ToBeVisibleAsync();
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-return-scan-desktop");
        await scan.FillAsync(p.ReturnId);
        await scan.PressAsync("Enter");
        await Expect(warehouse.GetByRole(AriaRole.Heading, new() { Name = $"Return {p.ReturnId}" })).ToBeVisibleAsync();
        Assert.EndsWith($"/returns/{p.ReturnId}", warehouse.Url);
    }

    [Fact]
    public async Task A_blind_count_sheet_prints_bins_and_parts_without_expected_values()
    {
        using var f = await StockedAsync(browser.Stack);
        var countId = Text(await Ok(await f.Warehouse.PostAsJsonAsync("/api/v1/counts", new { centreId = f.Centre, bins = new[] { "A-01" } })), "countId");

        var warehouse = await browser.SignInForPrintingAsync(f.WarehouseUser, "warehouse", f.Centre);
        // The counts list links each count's printable; the count's own page does too.
        await warehouse.GotoAsync("/warehouse/counts");
        await Expect(warehouse.GetByRole(AriaRole.Link, new() { Name = $"Print the count sheet {countId}" })).ToHaveAttributeAsync("href", $"/print/count/{countId}");
        await warehouse.GotoAsync($"/warehouse/counts/{countId}");
        await warehouse.GetByRole(AriaRole.Link, new() { Name = "Print the count sheet", Exact = true }).ClickAsync();
        var sheet = warehouse.Locator("#count-sheet");
        await Expect(sheet.Locator($"tr[data-bin='A-01'][data-part='{f.Part}']")).ToBeVisibleAsync();
        await BrowserStack.ScreenshotAsync(warehouse, "warehouse-count-sheet-print");
        Assert.Equal([countId], await DecodeBarcodesAsync(sheet));
        var (size, pages, text) = await PrintAsync(warehouse, "count-sheet");
        Assert.Equal(1, pages);
        AssertSize(size, 210, 297);
        foreach (var expected in new[] { "Count sheet", countId, f.Centre, "A-01", f.Part, "Counted quantity" })
            Assert.Contains(expected, text);
        // Blind: the serials on the shelf and their number are not on the sheet.
        foreach (var serial in f.Serials) Assert.DoesNotContain(serial, text);
        Assert.DoesNotContain("Expected", text);
    }

    /// <summary>Prints the page as Chromium would on paper (print media, the page's @page size); keeps the PDF.</summary>
    private static async Task<((double Width, double Height) Size, int Pages, string Text)> PrintAsync(IPage page, string name)
    {
        var pdf = await page.PdfAsync(new() { PreferCSSPageSize = true, PrintBackground = true, Path = Path.Combine(BrowserStack.ScreenshotsDir, name + ".pdf") });
        using var document = PdfDocument.Open(pdf);
        var first = document.GetPage(1);
        var text = string.Join("\n", document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
        return ((first.Width, first.Height), document.NumberOfPages, text);
    }

    private static void AssertSize((double Width, double Height) points, double widthMm, double heightMm)
    {
        Assert.InRange(points.Width, widthMm * PointsPerMm - 2, widthMm * PointsPerMm + 2);
        Assert.InRange(points.Height, heightMm * PointsPerMm - 2, heightMm * PointsPerMm + 2);
    }

    /// <summary>Each barcode of the printable, in page order, decoded from a screenshot of its bars alone.</summary>
    private static async Task<List<string>> DecodeBarcodesAsync(ILocator printable)
    {
        var reader = new BarcodeReaderGeneric
        {
            AutoRotate = false,
            Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.CODE_128], TryHarder = true, PureBarcode = false },
        };
        var decoded = new List<string>();
        var bars = printable.Locator(".barcode-bars");
        for (var i = 0; i < await bars.CountAsync(); i++)
        {
            var png = await bars.Nth(i).ScreenshotAsync(new() { Scale = ScreenshotScale.Device });
            var image = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
            var result = reader.Decode(new RGBLuminanceSource(image.Data, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGBA32));
            Assert.True(result is not null, $"barcode {i} of the printable did not decode");
            decoded.Add(result.Text);
        }
        return decoded;
    }
}
