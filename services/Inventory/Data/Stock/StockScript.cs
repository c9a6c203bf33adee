namespace Logistics.Inventory.Data.Stock;

/// <summary>
/// A Lua script of a stock operation (embedded resources under Scripts/), with the shared head
/// common.lua in front. Read once; StackExchange.Redis loads it into Redis once (SCRIPT LOAD) and then runs it
/// by EVALSHA, falling back to EVAL after NOSCRIPT (e.g. after a Redis restart).
/// </summary>
public sealed class StockScript
{
    public static readonly StockScript GoodsIn = Load("goods_in");
    public static readonly StockScript Reserve = Load("reserve");
    public static readonly StockScript Release = Load("release");
    public static readonly StockScript Ship = Load("ship");
    public static readonly StockScript Receive = Load("receive");
    public static readonly StockScript FaultyIn = Load("faulty_in");
    public static readonly StockScript Inspect = Load("inspect");
    public static readonly StockScript Adjust = Load("adjust");
    public static readonly StockScript Dispose = Load("dispose");
    public static readonly StockScript Transfer = Load("transfer");

    private StockScript(string name, string text)
    {
        Name = name;
        Text = text;
    }

    public string Name { get; }
    public string Text { get; }

    private static StockScript Load(string name) => new(name, Read("common") + "\n" + Read(name));

    private static string Read(string name)
    {
        var resource = $"Logistics.Inventory.Data.Stock.Scripts.{name}.lua";
        using var stream = typeof(StockScript).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded script {resource} is missing");
        return new StreamReader(stream).ReadToEnd();
    }
}
