using System.Text;

namespace Norsjo.Retail.Agent.Sources.ExportFolder;

/// <summary>
/// The fields of one CSV line: separated by the delimiter, optionally in double quotes (a doubled
/// quote inside is a quote), trimmed. A line at a time, because the agent reads exports line by
/// line; a till's receipt rows never hold a line break.
/// </summary>
public static class CsvFields
{
    public static List<string> Split(string line, char delimiter)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
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
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString().Trim());
        return fields;
    }
}
