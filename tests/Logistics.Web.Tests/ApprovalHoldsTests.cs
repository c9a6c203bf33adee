using Logistics.Requests.V1;
using Logistics.Web.Resources;

namespace Logistics.Web.Tests;

/// <summary>Why a request waits for a supervisor, said from the service's codes in the reader's language (real resources).</summary>
public sealed class ApprovalHoldsTests
{
    private static PartRequest Waiting(params ApprovalHold[] holds) =>
        new() { AwaitingApprovalBecause = "as the service said it", ApprovalHolds = { holds } };

    private static string In(string culture, PartRequest request) => ConsoleText.In(culture, l => l.WhyWaiting(request));

    private static readonly PartRequest AllThree = Waiting(
        new ApprovalHold { Code = "open-request-quota", Value = 6, Limit = 5 },
        new ApprovalHold { Code = "quantity-above-automatic", Value = 3, Limit = 2 },
        new ApprovalHold { Code = "faulty-part-overdue" });

    [Fact]
    public void In_chinese_each_reason_is_said_with_its_figures() =>
        Assert.Equal("工程师已有 6 个未完成的申请（配额 5）；数量 3 超过每行自动批准的上限 2；工程师持有一个逾期未返还的故障件", In("zh-Hans", AllThree));

    [Fact]
    public void In_english_each_reason_is_said_with_its_figures() =>
        Assert.Equal("the engineer has 6 open requests (quota 5); quantity 3 is above 2 per line; "
            + "the engineer holds a faulty part whose return is overdue", In("en-GB", AllThree));

    [Fact]
    public void A_request_stored_before_the_reasons_were_data_shows_the_service_s_words() =>
        Assert.Equal("as the service said it", In("zh-Hans", Waiting()));

    [Fact]
    public void A_reason_newer_than_the_console_shows_its_code() =>
        Assert.Equal("new-rule", In("zh-Hans", Waiting(new ApprovalHold { Code = "new-rule" })));
}
