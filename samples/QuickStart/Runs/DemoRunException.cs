using System;

namespace AuxLosses.QuickStart;

/// <summary>A demo run failed; the message names the run, its exit code and its log.</summary>
internal sealed class DemoRunException : Exception
{
    public DemoRunException(string message)
        : base(message)
    {
    }

    public DemoRunException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DemoRunException()
    {
    }
}
