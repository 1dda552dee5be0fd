using Norsjo.Retail.Agent.Sources.ExportFolder;

namespace Norsjo.Retail.Tests.Agent;

/// <summary>A row read into reused fields (the burst path) reads as the plain split reads it, quotes and all.</summary>
public sealed class CsvFieldsTests
{
    [Theory]
    [InlineData("1;2026-10-05 10:01;item;dagligvaror;6;100,00")]
    [InlineData(" 1 ; \"Anna \"\"A\"\"; B\" ;;x;")]
    [InlineData("\"a;b\";  \"c\" d ;e\"f\";")]
    [InlineData("")]
    [InlineData(";;;")]
    [InlineData("1;2;3;4;5;6;7;8;9")]
    public void Reused_fields_hold_what_the_plain_split_gives(string line)
    {
        var plain = CsvFields.Split(line, ';');
        var into = new string[6];
        CsvFields.SplitInto("x;y;z;w;v;u", ';', into); // the row before: every slot holds something else
        CsvFields.SplitInto(line, ';', into);

        Assert.Equal([.. plain.Take(6), .. Enumerable.Repeat(string.Empty, Math.Max(0, 6 - plain.Count))], into);
    }

    [Fact]
    public void The_plain_split_reads_quotes_as_before() =>
        Assert.Equal(["a;b", "c d", "e\"f\"", string.Empty], CsvFields.Split("\"a;b\";  \"c\" d ;e\"f\";", ';'));
}
