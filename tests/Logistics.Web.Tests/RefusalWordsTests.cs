using Grpc.Core;
using Logistics.SharedKernel;
using Logistics.Web.Gateway;
using Logistics.Web.Resources;

namespace Logistics.Web.Tests;

/// <summary>
/// The shared field checks' reasons in Chinese: each refusal is made by the check itself (the services run the same
/// code), passed through a gRPC status as the gateway answers it, and said with the console's real resources.
/// </summary>
public sealed class RefusalWordsTests
{
    private static readonly DateOnly Today = new(2026, 12, 3);
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string> Checks => new()
    {
        { "quantity 0", "必须大于零（当前为 0）" },
        { "quantity 2000000", "每行最多 1,000,000（当前为 2000000）" },
        { "counted -1", "不能为负数（当前为 -1）" },
        { "note empty", "必填" },
        { "note too long", "超过 10 个字符" },
        { "note control", "含有控制字符" },
        { "code with a space", "“C 1”只能包含字母、数字、“-”、“.”和“_”" },
        { "serial empty", "需要序列号" },
        { "serial malformed", "“S N!”不是有效的序列号（字母、数字、“-”和“_”，最多 64 个字符）" },
        { "serial twice", "序列号“SN-1”重复列出" },
        { "date in the future", "2026-12-04T10:00:00Z 是将来的时间" },
        { "date too old", "1999-12-31T00:00:00Z 早于 2000-01-01T00:00:00Z：没有在用的备件这么旧" },
        { "period reversed", "2026-03-10 晚于结束日期（2026-03-01）" },
        { "period too long", "2024-01-01 至 2026-03-01 的期间超过 366 天" },
        { "not a date", "“2026-13-01”不是日期（yyyy-MM-dd）" },
        { "date before earliest", "1999-01-01 早于 2000-01-01" },
        { "date years ahead", "2028-01-01 超过一年以后" },
    };

    private static void Check(string check)
    {
        switch (check)
        {
            case "quantity 0": Quantities.Check(0); break;
            case "quantity 2000000": Quantities.Check(2_000_000); break;
            case "counted -1": Quantities.CheckCounted(-1, "counted"); break;
            case "note empty": Require.Text(" ", "note"); break;
            case "note too long": Require.Text(new string('x', 11), "note", maxLength: 10); break;
            case "note control": Require.Text("a\u0001b", "note"); break;
            case "code with a space": Require.Code("C 1", "centre_id"); break;
            case "serial empty": Serials.Check(""); break;
            case "serial malformed": Serials.Check("S N!"); break;
            case "serial twice": Serials.CheckDistinct(["SN-1", "SN-1"], "serials"); break;
            case "date in the future": ClientDates.Check(Now.AddDays(1), Now, "at"); break;
            case "date too old": ClientDates.Check(new DateTimeOffset(1999, 12, 31, 0, 0, 0, TimeSpan.Zero), Now, "at"); break;
            case "period reversed": ReportPeriod.Parse("2026-03-10", "2026-03-01", Today, 30); break;
            case "period too long": ReportPeriod.Parse("2024-01-01", "2026-03-01", Today, 30); break;
            case "not a date": ReportPeriod.Parse("2026-13-01", null, Today, 30); break;
            case "date before earliest": ReportPeriod.Parse("1999-01-01", null, Today, 30); break;
            case "date years ahead": ReportPeriod.Parse(null, "2028-01-01", Today, 30); break;
            default: throw new ArgumentOutOfRangeException(nameof(check), check, null);
        }
    }

    /// <summary>The refusal as the console receives it: the check's message in a gRPC status.</summary>
    private static Refusal Refused(string check)
    {
        var e = Assert.Throws<InvalidFieldException>(() => Check(check));
        return Refusal.From(new RpcException(new Status(StatusCode.InvalidArgument, e.Message)));
    }

    private static string In(string culture, string reason) => ConsoleText.In(culture, l => l.Say(reason));

    [Theory]
    [MemberData(nameof(Checks))]
    public void A_shared_check_s_reason_is_said_in_chinese_with_its_figures(string check, string chinese) =>
        Assert.Equal(chinese, In("zh-Hans", Refused(check).Reason));

    [Theory]
    [MemberData(nameof(Checks))]
    public void In_english_the_reason_is_shown_as_the_service_said_it(string check, string _)
    {
        var reason = Refused(check).Reason;
        Assert.Equal(reason, In("en-GB", reason));
    }

    [Fact]
    public void A_reason_of_one_service_s_own_is_shown_as_sent() =>
        Assert.Equal("request PR-1 is Shipped, not Reserved", In("zh-Hans", "request PR-1 is Shipped, not Reserved"));
}
