using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using TorchSharp;

namespace AuxLosses.Models.Tests.ScalarLifetime;

/// <summary>
/// Finds, in the TorchSharp assembly itself, the public methods that create a temporary <see cref="Scalar"/>
/// and hand its handle to native code without keeping it alive (e.g. <c>Tensor.add(Tensor)</c> =&gt;
/// <c>add(target, 1)</c>), directly or through other TorchSharp methods. Reading the IL rather than keeping a
/// hand-written list keeps the check honest across TorchSharp upgrades.
/// </summary>
internal static class TorchSharpScalarHazards
{
    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private static readonly Lazy<IReadOnlyDictionary<int, string>> Cached = new(() => Compute(typeof(Scalar).Assembly));

    /// <summary>Metadata token of each hazardous public TorchSharp method, with the reason.</summary>
    public static IReadOnlyDictionary<int, string> Methods => Cached.Value;

    private static Dictionary<int, string> Compute(Assembly torchSharp)
    {
        Type[] types;
        try { types = torchSharp.GetTypes(); }
        catch (ReflectionTypeLoadException e) { types = e.Types.Where(t => t is not null).ToArray()!; }

        var callees = new Dictionary<MethodBase, List<MethodBase>>();
        var hazardous = new Dictionary<MethodBase, string>();
        foreach (var type in types)
        {
            // Scalar's own conversions return the scalar they create: the caller owns it.
            if (type == typeof(Scalar) || type == typeof(ScalarExtensionMethods))
            {
                continue;
            }
            foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
            {
                var calls = Calls(method);
                callees[method] = calls;
                var creates = calls.Count(c => c is MethodInfo { ReturnType: var r } && r == typeof(Scalar) || c is ConstructorInfo && c.DeclaringType == typeof(Scalar));
                var disposes = calls.Count(c => c.Name == nameof(IDisposable.Dispose) && (c.DeclaringType == typeof(Scalar) || c.DeclaringType == typeof(IDisposable)));
                // A method returning a Scalar hands ownership on; one that disposes is assumed to use `using`.
                if (creates > 0 && disposes == 0 && !(method is MethodInfo mi && mi.ReturnType == typeof(Scalar)))
                {
                    hazardous[method] = "creates a temporary Scalar";
                }
            }
        }

        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (method, calls) in callees)
            {
                if (hazardous.ContainsKey(method))
                {
                    continue;
                }
                var via = calls.FirstOrDefault(hazardous.ContainsKey);
                if (via is null)
                {
                    continue;
                }
                hazardous[method] = $"calls {via.DeclaringType?.Name}.{via.Name}";
                changed = true;
            }
        }

        return hazardous
            .Where(h => h.Key.IsPublic && h.Key.DeclaringType is { } t && (t.IsPublic || t.IsNestedPublic))
            .ToDictionary(h => h.Key.MetadataToken, h => h.Value);
    }

    private static List<MethodBase> Calls(MethodBase method)
    {
        var result = new List<MethodBase>();
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is BadImageFormatException or TypeLoadException or System.IO.FileNotFoundException) { return result; }
        if (il is null)
        {
            return result;
        }
        var typeArgs = method.DeclaringType is { IsGenericType: true } g ? g.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            short value = il[i++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[i++]);
            }
            var op = OpCodesByValue[value];
            var operand = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
            if (op == OpCodes.Call || op == OpCodes.Callvirt || op == OpCodes.Newobj)
            {
                try
                {
                    if (method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArgs, methodArgs) is { } target)
                    {
                        result.Add(target);
                    }
                }
                catch (Exception e) when (e is ArgumentException or TypeLoadException or System.IO.FileNotFoundException or MissingMethodException or BadImageFormatException)
                {
                    // A callee in an assembly that is not deployed (e.g. Google.Protobuf): not a Scalar path.
                }
            }
            i += operand;
        }
        return result;
    }
}
