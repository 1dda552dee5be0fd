using System.Text;

namespace Norsjo.Retail.Agent.Sources.ExportFolder;

/// <summary>
/// The fields of one CSV line: separated by the delimiter, optionally in double quotes (a doubled
/// quote inside is a quote), trimmed. A line at a time, because the agent reads exports line by
/// line; a till's receipt rows never hold a line break.
/// </summary>
public static class CsvFields
{
    /// <summary>
    /// The same fields into <paramref name="into"/>, one slot per column, for the receipt rows of a file (millions of
    /// fields in a burst): a field whose text is the one already in its slot keeps that string (a receipt's rows repeat
    /// its number, time, channel and cashier; a file repeats its categories and VAT rates), an empty field is
    /// <see cref="string.Empty"/>, fields past the last slot are not read, slots past the last field are emptied.
    /// So a row allocates only the fields that differ from the row before.
    /// </summary>
    public static void SplitInto(string line, char delimiter, string[] into)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(into);
        var column = 0;
        var position = 0;
        while (column < into.Length)
        {
            var rest = line.AsSpan(position);
            var end = rest.IndexOf(delimiter);
            var raw = end >= 0 ? rest[..end] : rest;
            if (raw.TrimStart().StartsWith('"'))
            {
                // Quoted: read as Split reads it (doubled quotes, delimiters inside), the rare case.
                var (text, next) = Quoted(line, position, delimiter);
                into[column] = text.Length == 0 ? string.Empty : text;
                position = next;
            }
            else
            {
                var text = raw.Trim();
                if (into[column] is not { } known || !text.SequenceEqual(known))
                {
                    into[column] = text.Length == 0 ? string.Empty : text.ToString();
                }

                position += end >= 0 ? end : raw.Length;
            }

            column++;
            if (position >= line.Length)
            {
                break;
            }

            position++; // the delimiter
        }

        into.AsSpan(column).Fill(string.Empty);
    }

    /// <summary>A field that opens with a quote, from <paramref name="start"/>: its text and where its delimiter is (or the line's end).</summary>
    private static (string Text, int Next) Quoted(string line, int start, char delimiter)
    {
        var field = new StringBuilder();
        var quoted = false;
        var i = start;
        for (; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"' && field.ToString().Trim().Length == 0)
            {
                field.Clear();
                quoted = true;
            }
            else if (c == delimiter)
            {
                break;
            }
            else
            {
                field.Append(c);
            }
        }

        return (field.ToString().Trim(), i);
    }

    public static List<string> Split(string line, char delimiter)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = new List<string>();
        for (var position = 0; ; position++)
        {
            var rest = line.AsSpan(position);
            var end = rest.IndexOf(delimiter);
            var raw = end >= 0 ? rest[..end] : rest;
            var (text, next) = raw.TrimStart().StartsWith('"') ? Quoted(line, position, delimiter) : (raw.Trim().ToString(), position + raw.Length);
            fields.Add(text);
            if (next >= line.Length)
            {
                return fields;
            }

            position = next;
        }
    }
}
