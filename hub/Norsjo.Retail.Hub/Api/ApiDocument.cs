using System.Text;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Norsjo.Retail.Hub.Api;

/// <summary>
/// The API's OpenAPI document: the one contract for its shapes. The hub writes it at build
/// (<c>openapi FILE</c>, run by the hub project's build into dashboards/openapi.json), and the
/// pages' TypeScript types are generated from that file (openapi-typescript, at <c>npm run build</c>).
/// At run time it is served at /openapi/v1.json to admins only: it describes data, not holds any,
/// but it is a map of every route and field, and no page needs it (their types are built in).
/// </summary>
public static class ApiDocument
{
    public const string Name = "v1";

    public static void Configure(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Norsjö Retail hub",
                Version = Name,
                Description = "The JSON API behind the dashboards. Sign in with POST /api/login (session cookie).",
            };
            return Task.CompletedTask;
        });

        // The hub writes every property of a record it answers with (null where there is nothing), computed
        // ones (Turnover.TotalKr) and init-only ones (ForecastView.MethodText) too, so the document says they
        // are always there; only a property written when it has a value (JsonIgnore WhenWritingNull) may be absent.
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonTypeInfo.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object && schema.Properties is { Count: > 0 } properties)
            {
                schema.Required ??= new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in context.JsonTypeInfo.Properties)
                {
                    if (property.Get is not null && property.ShouldSerialize is null && properties.ContainsKey(property.Name))
                    {
                        schema.Required.Add(property.Name);
                    }
                }
            }

            return Task.CompletedTask;
        });
    }

    public static IEndpointConventionBuilder MapOpenApiDocument(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.MapOpenApi().RequireAuthorization("admin");
    }

    /// <summary>The document as JSON (OpenAPI 3.1), from the hub's own endpoints, without starting the hub (no ClickHouse, no listener).</summary>
    public static async Task<string> JsonAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var provider = services.GetRequiredKeyedService<IOpenApiDocumentProvider>(Name);
        var document = await provider.GetOpenApiDocumentAsync(cancellationToken).ConfigureAwait(false);
        return (await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken).ConfigureAwait(false)).ReplaceLineEndings("\n") + "\n";
    }

    /// <summary>The <c>openapi FILE</c> command: writes the document, only if it changed (so the pages' build sees no churn).</summary>
    public static async Task<int> WriteAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            Console.Error.WriteLine("Norsjo.Retail.Hub openapi <file> [--contentRoot DIR]");
            return 2;
        }

        var app = Hosting.HubApplication.Build(args[1..]);
        await using (app.ConfigureAwait(false))
        {
            // The endpoints reach the API description when the pipeline is built, at start; the hub is
            // not started here (no ClickHouse, no listener), so they are handed over the way UseEndpoints does.
            app.UseRouting();
            app.UseEndpoints(_ => { });
            var json = await JsonAsync(app.Services).ConfigureAwait(false);
            var path = Path.GetFullPath(args[0]);
            if (!File.Exists(path) || await File.ReadAllTextAsync(path).ConfigureAwait(false) != json)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, json, new UTF8Encoding(false)).ConfigureAwait(false);
                Console.WriteLine($"OpenAPI document written to {path}");
            }

            return 0;
        }
    }
}
