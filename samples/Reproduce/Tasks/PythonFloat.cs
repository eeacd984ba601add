using System;
using System.Globalization;

namespace AuxLosses.Reproduce.Tasks;

/// <summary>Formats a double as Python's <c>str(float)</c> / <c>repr(float)</c> does, so file names and CSV cells match the repo's.</summary>
internal static class PythonFloat
{
    /// <summary>
    /// The shortest round-trip digits, in positional notation for 1e-4 ≤ |x| &lt; 1e16 (always with a '.', "1.0"),
    /// else scientific with a signed two-digit-minimum exponent ("1e-05", "1.5e+16"); "nan", "inf", "-inf".
    /// </summary>
    public static string Format(double x)
    {
        if (double.IsNaN(x))
        {
            return "nan";
        }

        if (double.IsInfinity(x))
        {
            return x > 0 ? "inf" : "-inf";
        }

        if (x == 0)
        {
            return double.IsNegative(x) ? "-0.0" : "0.0";
        }

        var shortest = x.ToString("R", CultureInfo.InvariantCulture);
        var (digits, exponent) = Decompose(shortest);
        var sign = x < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16)
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            return $"{sign}{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }

        // Positional: the decimal point goes after digit (exponent + 1).
        var point = exponent + 1;
        string body;
        if (point <= 0)
        {
            body = "0." + new string('0', -point) + digits;
        }
        else if (point >= digits.Length)
        {
            body = digits + new string('0', point - digits.Length) + ".0";
        }
        else
        {
            body = digits[..point] + "." + digits[point..];
        }

        return sign + body;
    }

    /// <summary>Significant digits (no leading/trailing zeros) and the decimal exponent of the first digit.</summary>
    private static (string Digits, int Exponent) Decompose(string roundTrip)
    {
        var s = roundTrip.TrimStart('-');
        var exponent = 0;
        var e = s.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            s = s[..e];
        }

        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? s[..dot] : s;
        var fracPart = dot >= 0 ? s[(dot + 1)..] : "";
        var all = intPart + fracPart;
        var firstNonZero = all.TakeWhileZero();
        exponent += intPart.Length - 1 - firstNonZero;
        var digits = all[firstNonZero..].TrimEnd('0');
        return (digits.Length == 0 ? "0" : digits, exponent);
    }

    private static int TakeWhileZero(this string s)
    {
        var i = 0;
        while (i < s.Length - 1 && s[i] == '0')
        {
            i++;
        }

        return i;
    }
}
