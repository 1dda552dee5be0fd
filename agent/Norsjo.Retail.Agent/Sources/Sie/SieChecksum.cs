using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Norsjo.Retail.Agent.Sources.Sie;

/// <summary>
/// The SIE 4 checksum (#KSUMMA, SIE filformat 4B, "Kontrollsummering"): CRC-32 (polynomial
/// 0xEDB88320 reflected, start 0xFFFFFFFF, result inverted — the common CRC-32, here from
/// System.IO.Hashing) over every record between the opening #KSUMMA and the closing one: each
/// record's label and its fields' contents, in the file's own bytes, without the spaces and tabs
/// between fields, the quotes around a field, the braces of an object list (nor the spaces and
/// quotes inside it) and the line ends. The voucher braces "{" "}" therefore add nothing.
/// </summary>
internal sealed class SieChecksum(Encoding encoding)
{
    private readonly Crc32 _crc = new();

    public bool Started { get; private set; }

    public void Start() => Started = true;

    public void Add(IReadOnlyList<string> fields)
    {
        foreach (var field in fields)
        {
            var content = field.StartsWith('{') ? ObjectListContent(field) : field;
            _crc.Append(encoding.GetBytes(content));
        }
    }

    /// <summary>True when the stated sum (a decimal number, written signed or unsigned) is this file's.</summary>
    public bool Matches(string stated) =>
        long.TryParse(stated, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
        && (uint)value == _crc.GetCurrentHashAsUInt32();

    public uint Value => _crc.GetCurrentHashAsUInt32();

    /// <summary>{1 "0123" 6 "P1"} → 10123 6P1 without spaces: 101236P1.</summary>
    private static string ObjectListContent(string field)
    {
        var text = new StringBuilder(field.Length);
        foreach (var c in field)
        {
            if (c is not ('{' or '}' or '"') && !char.IsWhiteSpace(c))
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
