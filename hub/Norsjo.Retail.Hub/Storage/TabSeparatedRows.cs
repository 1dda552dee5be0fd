using System.Globalization;
using System.Text;

namespace Norsjo.Retail.Hub.Storage;

/// <summary>
/// Rows for an INSERT in ClickHouse's TabSeparated format, the insert format that both 18.16 and
/// current servers accept from this driver. Text is escaped by the same code as SQL literals.
/// </summary>
public sealed class TabSeparatedRows
{
    private readonly StringBuilder _text = new();
    private bool _rowOpen;

    public int Count { get; private set; }

    public TabSeparatedRows Row(params object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var value in values)
        {
            Field(value);
        }

        return EndRow();
    }

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_text.ToString());

    public override string ToString() => _text.ToString();

    private void Field(object value)
    {
        if (_rowOpen)
        {
            _text.Append('\t');
        }

        _rowOpen = true;
        switch (value)
        {
            case string s: SqlLiteral.AppendEscaped(_text, s, escapeQuote: false); break;
            case DateOnly d: _text.Append(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
            case bool b: _text.Append(b ? '1' : '0'); break;
            case IFormattable f when value is byte or short or ushort or int or uint or long or ulong:
                _text.Append(f.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                throw new ArgumentException($"No TabSeparated form for {value.GetType().Name}.", nameof(value));
        }
    }

    private TabSeparatedRows EndRow()
    {
        _text.Append('\n');
        _rowOpen = false;
        Count++;
        return this;
    }
}
