using System;
using System.Collections.Generic;

#pragma warning disable CA1000, CA1715, CA1822, CA1861, CA1003, CA1008, CA1021, CA1045, CA1051, CA1062, CA1700, CA1711, CA1716, CA1725, CA1801, CA1815, CA1819, CA2225, CA2227, IDE0060
namespace AuxLosses.ApiReference.Tests.Samples;

// Shapes the doc-ID and signature tests need; the compiler writes their documentation IDs into this project's XML file.

/// <summary>A generic base, standing in for <c>Module&lt;T1, T2&gt;</c>.</summary>
/// <typeparam name="TIn">Input.</typeparam>
/// <typeparam name="TOut">Output.</typeparam>
public abstract class Base<TIn, TOut>
{
    /// <summary>Runs the base.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The output.</returns>
    public abstract TOut forward(TIn input);

    /// <summary>Describes the base.</summary>
    /// <returns>A description.</returns>
    public virtual string Describe() => "base";
}

/// <summary>Something with a name.</summary>
public interface INamed
{
    /// <summary>The interface's name documentation.</summary>
    string Name { get; }

    /// <summary>Renames it.</summary>
    /// <param name="name">The new name.</param>
    void Rename(string name);
}

/// <summary>How samples are picked.</summary>
public enum Mode : long
{
    /// <summary>The first.</summary>
    First = 1,

    /// <summary>The second.</summary>
    Second = 2,
}

/// <summary>A sample deriving from a generic base with a nullable type argument.</summary>
public sealed class Sample : Base<string, List<int?>?>, INamed
{
    /// <summary>A constant.</summary>
    public const double Epsilon = 1e-5;

    /// <summary>A shared instance.</summary>
    public static readonly Sample Shared = new("shared");

    /// <summary>Creates a sample.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="mode">Its mode.</param>
    /// <param name="scale">Its scale.</param>
    /// <param name="note">An optional note.</param>
    public Sample(string name, Mode mode = Mode.Second, double scale = 0.1, string? note = null)
    {
        Name = name;
        Mode = mode;
        Scale = scale;
        Note = note;
    }

    /// <inheritdoc/>
    public string Name { get; private set; }

    /// <summary>The mode.</summary>
    public Mode Mode { get; init; }

    /// <summary>The scale.</summary>
    public double Scale { get; set; }

    /// <summary>The note.</summary>
    public string? Note { get; }

    /// <summary>Values by key.</summary>
    /// <param name="key">The key.</param>
    public int this[string key] => key.Length;

    /// <summary>Raised on rename.</summary>
    public event EventHandler<string>? Renamed;

    /// <inheritdoc/>
    public override List<int?>? forward(string input) => null;

    /// <inheritdoc/>
    public void Rename(string name)
    {
        Name = name;
        Renamed?.Invoke(this, name);
    }

    /// <summary>Named tuples, params and a nested tuple.</summary>
    /// <param name="terms">Terms.</param>
    /// <returns>A pair.</returns>
    public (int Count, (string Key, double Value) Last) Sum(params (string Name, double Weight)[] terms) => (terms.Length, ("", 0));

    /// <summary>By-reference parameters and arrays.</summary>
    /// <param name="a">In.</param>
    /// <param name="b">Ref.</param>
    /// <param name="c">Out.</param>
    /// <param name="grid">A 2-D array.</param>
    /// <param name="jagged">A jagged array.</param>
    public static void ByRef(in int a, ref long b, out string c, float[,] grid, byte[][] jagged) => c = "";

    /// <summary>A generic method.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="items">Items.</param>
    /// <param name="selector">Selector.</param>
    /// <returns>The first item or default.</returns>
    public static T? First<T>(IReadOnlyDictionary<string, IEnumerable<T>> items, Func<T, bool> selector)
        where T : class, IComparable<T> => null;

    /// <summary>Converts a name to a sample.</summary>
    /// <param name="name">The name.</param>
    public static implicit operator Sample(string name) => new(name);

    /// <summary>Adds scales.</summary>
    /// <param name="left">Left.</param>
    /// <param name="right">Right.</param>
    public static Sample operator +(Sample left, Sample right) => new(left.Name + right.Name, scale: left.Scale + right.Scale);
}

/// <summary>A generic container with a nested generic type.</summary>
/// <typeparam name="T">Item type.</typeparam>
public sealed class Container<T>
{
    /// <summary>Uses the container's own type and a nested one.</summary>
    /// <param name="other">Another container.</param>
    /// <param name="inner">A nested value.</param>
    /// <param name="maybe">A nullable value type.</param>
    public void Merge(Container<T> other, Inner<int> inner, int? maybe) { }

    /// <summary>A nested generic type.</summary>
    /// <typeparam name="U">Nested item type.</typeparam>
    public sealed class Inner<U>
    {
        /// <summary>Mixes the outer and inner type parameters.</summary>
        /// <param name="outer">Outer value.</param>
        /// <param name="inner">Inner value.</param>
        /// <returns>A pair.</returns>
        public KeyValuePair<T, U> Pair(T outer, U inner) => new(outer, inner);
    }
}

/// <summary>A positional record.</summary>
/// <param name="Id">The id.</param>
/// <param name="Path">An optional path.</param>
public sealed record Item(string Id, string? Path = null);
