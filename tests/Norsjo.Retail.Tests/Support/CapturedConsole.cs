namespace Norsjo.Retail.Tests.Support;

/// <summary>
/// Console.Out and Console.Error into strings until disposed, then back to what they were. The console is the
/// process's one: tests that use this are in <see cref="Collection"/>, so no two of them capture at once.
/// </summary>
public sealed class CapturedConsole : IDisposable
{
    public const string Collection = "Captured console";

    private readonly TextWriter outBefore = Console.Out;
    private readonly TextWriter errorBefore = Console.Error;
    private readonly StringWriter output = new();
    private readonly StringWriter error = new();

    public CapturedConsole()
    {
        Console.SetOut(output);
        Console.SetError(error);
    }

    public string Output => output.ToString();

    public string Error => error.ToString();

    public void Dispose()
    {
        Console.SetOut(outBefore);
        Console.SetError(errorBefore);
        output.Dispose();
        error.Dispose();
    }
}

[CollectionDefinition(CapturedConsole.Collection, DisableParallelization = true)]
public sealed class CapturedConsoleGroup;
