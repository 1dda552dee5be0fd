using System.Text.Json;

namespace Norsjo.Retail.Agent.Hosting;

/// <summary>
/// What `enroll` got from the hub: the store's id and credential, kept in the agent's data folder
/// readable by the agent's user only. Configuration (Agent:StoreId, Agent:Credential) wins if set.
/// </summary>
public sealed record Enrollment(string StoreId, string Credential)
{
    public const string FileName = "enrollment.json";

    public static Enrollment? Load(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), EnrollmentJson.Default.Enrollment) : null;
    }

    public void Save(string dataDirectory) =>
        PrivateFile.Write(Path.Combine(dataDirectory, FileName), JsonSerializer.SerializeToUtf8Bytes(this, EnrollmentJson.Default.Enrollment));
}
