using System;
using System.Linq;
using System.Reflection;
using System.Text;

namespace AuxLosses.ApiReference;

/// <summary>
/// The C# compiler's documentation IDs ("T:Ns.Type`1", "M:Ns.Type.Method``1(System.Int32@,`0[])") for reflected
/// members, so that a member finds its entry in the XML file and a cref finds its member.
/// </summary>
internal static class DocIds
{
    public static string Of(MemberInfo member) => member switch
    {
        Type type => "T:" + TypeDefinition(type),
        ConstructorInfo ctor => "M:" + TypeDefinition(ctor.DeclaringType!) + "." + ctor.Name.Replace('.', '#') + Parameters(ctor.GetParameters()),
        MethodInfo method => Method(method),
        PropertyInfo property => "P:" + TypeDefinition(property.DeclaringType!) + "." + property.Name.Replace('.', '#') + Parameters(property.GetIndexParameters()),
        FieldInfo field => "F:" + TypeDefinition(field.DeclaringType!) + "." + field.Name,
        EventInfo @event => "E:" + TypeDefinition(@event.DeclaringType!) + "." + @event.Name,
        _ => throw new ArgumentException($"No documentation ID for a {member.MemberType}.", nameof(member)),
    };

    /// <summary>A type definition's ID part: namespace, nesting with '.', and each level's arity as `N.</summary>
    public static string TypeDefinition(Type type)
    {
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            type = type.GetGenericTypeDefinition();
        }

        return type.IsNested
            ? TypeDefinition(type.DeclaringType!) + "." + type.Name
            : (string.IsNullOrEmpty(type.Namespace) ? "" : type.Namespace + ".") + type.Name;
    }

    private static string Method(MethodInfo method)
    {
        var id = new StringBuilder("M:").Append(TypeDefinition(method.DeclaringType!)).Append('.').Append(method.Name.Replace('.', '#'));
        if (method.IsGenericMethod)
        {
            id.Append("``").Append(method.GetGenericArguments().Length);
        }

        id.Append(Parameters(method.GetParameters()));
        if (method.Name is "op_Implicit" or "op_Explicit")
        {
            id.Append('~').Append(ParameterType(method.ReturnType));
        }

        return id.ToString();
    }

    private static string Parameters(ParameterInfo[] parameters) =>
        parameters.Length == 0 ? "" : "(" + string.Join(",", parameters.Select(p => ParameterType(p.ParameterType))) + ")";

    /// <summary>A type as it appears in a parameter list: generic arguments in braces, type parameters by position.</summary>
    public static string ParameterType(Type type)
    {
        if (type.IsByRef)
        {
            return ParameterType(type.GetElementType()!) + "@";
        }

        if (type.IsPointer)
        {
            return ParameterType(type.GetElementType()!) + "*";
        }

        if (type.IsArray)
        {
            var rank = type.GetArrayRank();
            var element = ParameterType(type.GetElementType()!);
            return type.IsSZArray ? element + "[]" : element + "[" + string.Join(",", Enumerable.Repeat("0:", rank)) + "]";
        }

        if (type.IsGenericParameter)
        {
            return (type.DeclaringMethod is null ? "`" : "``") + type.GenericParameterPosition;
        }

        if (!type.IsGenericType)
        {
            return TypeDefinition(type);
        }

        // Each nesting level takes its own share of the arguments: Outer`1.Inner`1 of <A, B> is Outer{A}.Inner{B}.
        var arguments = type.GetGenericArguments();
        var used = 0;
        return Constructed(type.IsGenericTypeDefinition ? type : type.GetGenericTypeDefinition(), arguments, ref used);
    }

    private static string Constructed(Type definition, Type[] arguments, ref int used)
    {
        var prefix = definition.IsNested
            ? Constructed(definition.DeclaringType!, arguments, ref used) + "."
            : string.IsNullOrEmpty(definition.Namespace) ? "" : definition.Namespace + ".";
        var name = definition.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick < 0)
        {
            return prefix + name;
        }

        var arity = int.Parse(name.AsSpan(tick + 1), System.Globalization.CultureInfo.InvariantCulture);
        var own = arguments.Skip(used).Take(arity).Select(ParameterType);
        used += arity;
        return prefix + name[..tick] + "{" + string.Join(",", own) + "}";
    }
}
