using System.Security.Claims;
using Norsjo.Retail.Hub.Registry;
using Norsjo.Retail.Hub.ServicePoints;

namespace Norsjo.Retail.Hub.Tenancy;

/// <summary>
/// The municipalities on the hub: the first (the hub's registry file) and every one configured
/// under Municipalities:{id}. Checked when the hub starts: ids well formed, every file loads, and no
/// store in two municipalities' registries (a store belongs to exactly one).
/// </summary>
public sealed class Municipalities : IDisposable
{
    /// <summary>The claim naming a signed-in user's municipality.</summary>
    public const string Claim = "norsjo:municipality";

    private readonly Lazy<IReadOnlyList<MunicipalityServices>> _all;

    public Municipalities(IServiceProvider hub, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var further = configuration.GetSection(MunicipalityOptions.Section).GetChildren()
            .Select(section => (Id: section.Key, Options: section.Get<MunicipalityOptions>() ?? new MunicipalityOptions()))
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .ToList();
        foreach (var (id, options) in further)
        {
            if (!Municipality.IsId(id) || id == Municipality.FirstId || options.Registry.Length == 0)
            {
                throw new InvalidOperationException(
                    $"Municipalities:{id}: ett id är 2–40 tecken av a–z, 0–9 och '-', inte '{Municipality.FirstId}', och kommunen behöver ett butiksregister (Municipalities:{id}:Registry).");
            }
        }

        string Rooted(string file) => Path.IsPathRooted(file) ? file : Path.Combine(environment.ContentRootPath, file);
        _all = new Lazy<IReadOnlyList<MunicipalityServices>>(() =>
        {
            var all = new List<MunicipalityServices> { MunicipalityServices.First(hub) };
            foreach (var (id, options) in further)
            {
                var path = Rooted(options.Registry);
                var registry = RegistryFile.Load(path);
                var points = options.ServicePoints is { Length: > 0 } file ? ServicePointSeed.Load(Rooted(file), registry) : ServicePointSeed.None(path);
                all.Add(MunicipalityServices.Further(new Municipality(id), new RegistrySeed(path, registry), points, hub));
            }

            var twice = all.SelectMany(m => m.Facts.Current.Stores.Select(s => (Store: s.Id, m.Municipality.Id)))
                .GroupBy(x => x.Store, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            return twice is null ? all
                : throw new InvalidOperationException($"Butiken '{twice.Key}' finns i flera kommuners register ({string.Join(", ", twice.Select(x => x.Id))}); en butik hör till en kommun.");
        });
    }

    /// <summary>Every municipality, the first first.</summary>
    public IReadOnlyList<MunicipalityServices> All => _all.Value;

    public MunicipalityServices First => All[0];

    public MunicipalityServices? Find(string id) => All.FirstOrDefault(m => m.Municipality.Id == id);

    /// <summary>The municipality whose registry holds the store today, if any.</summary>
    public MunicipalityServices? OfStore(string storeId) => All.FirstOrDefault(m => m.Facts.Current.Find(storeId) is not null);

    /// <summary>A store as today's registry of its municipality has it.</summary>
    public Store? FindStore(string storeId) => OfStore(storeId)?.Facts.Current.Find(storeId);

    /// <summary>
    /// Whose figures a signed-in user's requests read: the municipality the user belongs to (its
    /// claim), or a store owner's stores' municipality; the first for everyone else (admins, the
    /// anonymous open data). Null when the claim names a municipality the hub no longer has: such a
    /// user reads nothing rather than another municipality's figures.
    /// </summary>
    public MunicipalityServices? Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.FindFirstValue(Claim) is { } id && id != Municipality.FirstId)
        {
            return Find(id);
        }

        var stores = user.FindAll(Api.ApiAuthentication.StoreClaim).Select(c => c.Value).ToList();
        return stores.Count == 0 ? First : OfStore(stores[0]) ?? First;
    }

    public void Dispose()
    {
        if (_all.IsValueCreated)
        {
            foreach (var municipality in _all.Value.Skip(1))
            {
                municipality.Dispose();
            }
        }
    }
}
