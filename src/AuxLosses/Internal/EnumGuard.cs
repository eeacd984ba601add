using System;

namespace AuxLosses.Internal;

/// <summary>Validates enum-valued options (a cast integer can hold a value no member names).</summary>
internal static class EnumGuard
{
    /// <summary>Returns <paramref name="value"/>, or throws naming the option and its allowed values.</summary>
    public static TEnum Defined<TEnum>(TEnum value, string name)
        where TEnum : struct, Enum =>
        Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be one of {string.Join(", ", Enum.GetNames<TEnum>())}, but it is {value}.");
}
