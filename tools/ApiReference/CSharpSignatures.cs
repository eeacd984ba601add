using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace AuxLosses.ApiReference;

/// <summary>
/// C# declarations of reflected types and members, as a user would write them: keywords for built-in types,
/// <c>Module&lt;Tensor, Tensor&gt;</c> for generics, <c>T?</c> from nullable metadata, tuple element names,
/// modifiers, accessors and default values. External types are shown by their simple (innermost) name.
/// </summary>
internal sealed class CSharpSignatures(Func<Type, bool> isDocumented)
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void",
        [typeof(bool)] = "bool",
        [typeof(byte)] = "byte",
        [typeof(sbyte)] = "sbyte",
        [typeof(char)] = "char",
        [typeof(short)] = "short",
        [typeof(ushort)] = "ushort",
        [typeof(int)] = "int",
        [typeof(uint)] = "uint",
        [typeof(long)] = "long",
        [typeof(ulong)] = "ulong",
        [typeof(float)] = "float",
        [typeof(double)] = "double",
        [typeof(decimal)] = "decimal",
        [typeof(string)] = "string",
        [typeof(object)] = "object",
        [typeof(nint)] = "nint",
        [typeof(nuint)] = "nuint",
    };

    private static readonly Dictionary<string, string> Operators = new(StringComparer.Ordinal)
    {
        ["op_Addition"] = "+",
        ["op_Subtraction"] = "-",
        ["op_Multiply"] = "*",
        ["op_Division"] = "/",
        ["op_Modulus"] = "%",
        ["op_UnaryPlus"] = "+",
        ["op_UnaryNegation"] = "-",
        ["op_LogicalNot"] = "!",
        ["op_OnesComplement"] = "~",
        ["op_Increment"] = "++",
        ["op_Decrement"] = "--",
        ["op_True"] = "true",
        ["op_False"] = "false",
        ["op_BitwiseAnd"] = "&",
        ["op_BitwiseOr"] = "|",
        ["op_ExclusiveOr"] = "^",
        ["op_LeftShift"] = "<<",
        ["op_RightShift"] = ">>",
        ["op_UnsignedRightShift"] = ">>>",
        ["op_Equality"] = "==",
        ["op_Inequality"] = "!=",
        ["op_LessThan"] = "<",
        ["op_GreaterThan"] = ">",
        ["op_LessThanOrEqual"] = "<=",
        ["op_GreaterThanOrEqual"] = ">=",
    };

    private readonly NullabilityInfoContext _nullability = new();

    /// <summary>Nullability and tuple names of one type occurrence, aligned with the type's structure.</summary>
    private sealed record Annotation(bool Nullable, Annotation? Element, IReadOnlyList<Annotation> Arguments)
    {
        public static readonly Annotation None = new(false, null, []);

        public Annotation Argument(int i) => i < Arguments.Count ? Arguments[i] : None;
    }

    /// <summary>A type's name for prose and headings: <c>FeatureQueue&lt;T&gt;</c>, <c>Outer.Inner</c>.</summary>
    public string DisplayName(Type type) => Name(type, Annotation.None, null);

    /// <summary>A type's name as it appears in code (no nullability information).</summary>
    public string TypeName(Type type) => Name(type, Annotation.None, null);

    /// <summary>Whether a member is operator syntax (<c>op_Addition</c>, <c>op_Implicit</c>, ...).</summary>
    public static bool IsOperator(MethodInfo method) =>
        method.IsSpecialName && (Operators.ContainsKey(method.Name) || method.Name is "op_Implicit" or "op_Explicit");

    /// <summary>The heading of a member on its type's page: <c>forward(Tensor, Tensor)</c>, <c>Loss</c>, <c>this[int]</c>.</summary>
    public string Heading(MemberInfo member) => member switch
    {
        ConstructorInfo ctor => BaseName(ctor.DeclaringType!) + "(" + ParameterTypes(ctor.GetParameters()) + ")",
        MethodInfo method when method.Name is "op_Implicit" or "op_Explicit" =>
            (method.Name == "op_Implicit" ? "implicit" : "explicit") + " operator " + TypeName(method.ReturnType) + "(" + ParameterTypes(method.GetParameters()) + ")",
        MethodInfo method when IsOperator(method) => "operator " + Operators[method.Name] + "(" + ParameterTypes(method.GetParameters()) + ")",
        MethodInfo method => method.Name + GenericParameters(method.GetGenericArguments()) + "(" + ParameterTypes(method.GetParameters()) + ")",
        PropertyInfo property when property.GetIndexParameters().Length > 0 => "this[" + ParameterTypes(property.GetIndexParameters()) + "]",
        _ => member.Name,
    };

    private string ParameterTypes(ParameterInfo[] parameters) =>
        string.Join(", ", parameters.Select(p => TypeName(p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType)));

    /// <summary>The C# declaration of a type: modifiers, kind, name, base list and constraints.</summary>
    public string Declaration(Type type)
    {
        var text = new StringBuilder();
        if (type.IsDefined(typeof(FlagsAttribute), false))
        {
            text.Append("[Flags]\n");
        }

        text.Append(type.IsNestedFamily ? "protected " : type.IsNestedFamORAssem ? "protected internal " : "public ");
        if (IsDelegate(type))
        {
            var invoke = type.GetMethod("Invoke")!;
            text.Append("delegate ").Append(Name(invoke.ReturnType, Annotate(invoke.ReturnParameter), TupleNames(invoke.ReturnParameter)))
                .Append(' ').Append(BaseName(type)).Append(TypeParameters(type)).Append('(').Append(Parameters(invoke.GetParameters(), false)).Append(')')
                .Append(Constraints(type.GetGenericArguments())).Append(';');
            return text.ToString();
        }

        if (type.IsEnum)
        {
            var underlying = Enum.GetUnderlyingType(type);
            text.Append("enum ").Append(BaseName(type));
            if (underlying != typeof(int))
            {
                text.Append(" : ").Append(TypeName(underlying));
            }

            return text.ToString();
        }

        if (type.IsInterface)
        {
            text.Append("interface ");
        }
        else if (type.IsValueType)
        {
            text.Append(IsReadOnly(type) ? "readonly " : "").Append(IsRecord(type) ? "record struct " : "struct ");
        }
        else
        {
            text.Append(type.IsAbstract && type.IsSealed ? "static " : type.IsAbstract ? "abstract " : type.IsSealed ? "sealed " : "")
                .Append(IsRecord(type) ? "record " : "class ");
        }

        text.Append(BaseName(type)).Append(TypeParameters(type));
        var bases = new List<string>();
        if (type is { IsClass: true, BaseType: { } baseType } && baseType != typeof(object))
        {
            bases.Add(Name(baseType, BaseTypeAnnotation(type), null));
        }

        bases.AddRange(DeclaredInterfaces(type).Select(TypeName));
        if (bases.Count > 0)
        {
            text.Append(" : ").Append(string.Join(", ", bases));
        }

        text.Append(Constraints(type.GetGenericArguments()));
        return text.ToString();
    }

    /// <summary>The interfaces a type lists itself: not inherited through its base class or another listed interface.</summary>
    public IEnumerable<Type> DeclaredInterfaces(Type type)
    {
        var all = type.GetInterfaces();
        var inherited = new HashSet<Type>((type.BaseType?.GetInterfaces() ?? []).Concat(all.SelectMany(i => i.GetInterfaces())));
        return all.Where(i => !inherited.Contains(i))
            .Where(i => !(IsRecord(type) && i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEquatable<>)))
            .OrderBy(TypeName, StringComparer.Ordinal);
    }

    /// <summary>The C# declaration of a member.</summary>
    public string Declaration(MemberInfo member) => member switch
    {
        ConstructorInfo ctor => Access(ctor) + (ctor.IsStatic ? "static " : "") + BaseName(ctor.DeclaringType!) + "(" + Parameters(ctor.GetParameters(), false) + ")",
        MethodInfo method => Method(method),
        PropertyInfo property => Property(property),
        FieldInfo field => Field(field),
        EventInfo @event => Event(@event),
        _ => member.Name,
    };

    private string Method(MethodInfo method)
    {
        var returns = Name(method.ReturnType, Annotate(method.ReturnParameter), TupleNames(method.ReturnParameter));
        var parameters = Parameters(method.GetParameters(), method.IsDefined(typeof(ExtensionAttribute), false));
        if (method.Name is "op_Implicit" or "op_Explicit")
        {
            return Access(method) + "static " + (method.Name == "op_Implicit" ? "implicit" : "explicit") + " operator " + returns + "(" + parameters + ")";
        }

        if (IsOperator(method))
        {
            return Access(method) + "static " + returns + " operator " + Operators[method.Name] + "(" + parameters + ")";
        }

        var genericArguments = method.GetGenericArguments();
        return Access(method) + Modifiers(method) + (IsReadOnlyMember(method) ? "readonly " : "") + returns + " " + method.Name
            + GenericParameters(genericArguments) + "(" + parameters + ")" + Constraints(genericArguments);
    }

    private string Property(PropertyInfo property)
    {
        var accessor = property.GetMethod ?? property.SetMethod!;
        var text = new StringBuilder(Access(accessor));
        if (property.IsDefined(typeof(RequiredMemberAttribute), false))
        {
            text.Append("required ");
        }

        text.Append(Modifiers(accessor)).Append(Name(property.PropertyType, Annotate(property), TupleNames(property))).Append(' ');
        var index = property.GetIndexParameters();
        text.Append(index.Length > 0 ? "this[" + Parameters(index, false) + "]" : property.Name).Append(" { ");
        if (property.GetMethod is { } getter && IsVisible(getter))
        {
            text.Append(AccessorAccess(getter, accessor)).Append("get; ");
        }

        if (property.SetMethod is { } setter && IsVisible(setter))
        {
            var init = setter.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");
            text.Append(AccessorAccess(setter, accessor)).Append(init ? "init; " : "set; ");
        }

        return text.Append('}').ToString();
    }

    private string Field(FieldInfo field)
    {
        var text = new StringBuilder(Access(field));
        if (field.IsLiteral)
        {
            text.Append("const ");
        }
        else
        {
            text.Append(field.IsStatic ? "static " : "").Append(field.IsInitOnly ? "readonly " : "");
        }

        text.Append(Name(field.FieldType, Annotate(field), TupleNames(field))).Append(' ').Append(field.Name);
        if (field.IsLiteral)
        {
            text.Append(" = ").Append(Literal(field.GetRawConstantValue(), field.FieldType));
        }

        return text.Append(';').ToString();
    }

    private string Event(EventInfo @event)
    {
        var add = @event.AddMethod!;
        return Access(add) + Modifiers(add) + "event " + Name(@event.EventHandlerType!, Annotate(@event), null) + " " + @event.Name + ";";
    }

    private string Parameters(ParameterInfo[] parameters, bool extension) =>
        string.Join(", ", parameters.Select((p, i) => Parameter(p, extension && i == 0)));

    private string Parameter(ParameterInfo parameter, bool isThis)
    {
        var text = new StringBuilder();
        if (isThis)
        {
            text.Append("this ");
        }

        var type = parameter.ParameterType;
        if (type.IsByRef)
        {
            text.Append(parameter.IsOut ? "out " : parameter.IsIn ? "in " : "ref ");
            type = type.GetElementType()!;
        }
        else if (parameter.IsDefined(typeof(ParamArrayAttribute), false))
        {
            text.Append("params ");
        }

        text.Append(Name(type, Annotate(parameter), TupleNames(parameter))).Append(' ').Append(parameter.Name);
        if (parameter.HasDefaultValue)
        {
            text.Append(" = ").Append(Literal(parameter.RawDefaultValue, type));
        }

        return text.ToString();
    }

    /// <summary>A constant or default value as C# source.</summary>
    public string Literal(object? value, Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        switch (value)
        {
            case null:
                return type.IsValueType && Nullable.GetUnderlyingType(type) is null ? "default" : "null";
            case string text:
                return "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
                    .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "\"";
            case bool flag:
                return flag ? "true" : "false";
            case char ch:
                return ch == '\'' ? "'\\''" : ch == '\\' ? "'\\\\'" : "'" + ch + "'";
        }

        if (underlying.IsEnum)
        {
            var name = Enum.GetName(underlying, value);
            return name is not null
                ? TypeName(underlying) + "." + name
                : "(" + TypeName(underlying) + ")" + Convert.ToString(value, CultureInfo.InvariantCulture);
        }

        return value switch
        {
            double d => double.IsPositiveInfinity(d) ? "double.PositiveInfinity" : double.IsNegativeInfinity(d) ? "double.NegativeInfinity"
                : double.IsNaN(d) ? "double.NaN" : Number(d.ToString("R", CultureInfo.InvariantCulture)),
            float f => float.IsPositiveInfinity(f) ? "float.PositiveInfinity" : float.IsNegativeInfinity(f) ? "float.NegativeInfinity"
                : float.IsNaN(f) ? "float.NaN" : f.ToString("R", CultureInfo.InvariantCulture) + "f",
            decimal m => m.ToString(CultureInfo.InvariantCulture) + "m",
            long l => l.ToString(CultureInfo.InvariantCulture) + (underlying == typeof(long) ? "" : "L"),
            ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
            uint ui => ui.ToString(CultureInfo.InvariantCulture) + "U",
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };

        // A double with no '.', 'E' or suffix would read as an int: 2 -> 2.0.
        static string Number(string text) =>
            text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    private string Name(Type type, Annotation annotation, Queue<string?>? tupleNames)
    {
        if (type.IsByRef)
        {
            return Name(type.GetElementType()!, annotation, tupleNames);
        }

        if (type.IsPointer)
        {
            return Name(type.GetElementType()!, annotation.Element ?? Annotation.None, tupleNames) + "*";
        }

        if (type.IsArray)
        {
            var rank = type.GetArrayRank();
            var element = Name(type.GetElementType()!, annotation.Element ?? Annotation.None, tupleNames);
            return element + (type.IsSZArray ? "[]" : "[" + new string(',', rank - 1) + "]") + Mark(type, annotation);
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying, annotation.Argument(0), tupleNames) + "?";
        }

        if (type.IsGenericParameter)
        {
            return type.Name + Mark(type, annotation);
        }

        if (Keywords.TryGetValue(type, out var keyword))
        {
            return keyword + Mark(type, annotation);
        }

        var arguments = type.IsGenericType ? type.GetGenericArguments() : [];
        if (IsValueTuple(type))
        {
            var names = arguments.Select(_ => tupleNames is { Count: > 0 } ? tupleNames.Dequeue() : null).ToList();
            var elements = arguments.Select((a, i) => Name(a, annotation.Argument(i), tupleNames) + (names[i] is { } n ? " " + n : ""));
            return "(" + string.Join(", ", elements) + ")";
        }

        // Our own nested types keep their outer type; external ones show the innermost name (torch.Tensor -> Tensor).
        var prefix = type.IsNested && !type.IsGenericParameter && isDocumented(type) ? TypeName(type.DeclaringType!) + "." : "";
        var ownArguments = arguments.Skip(type.IsNested ? type.DeclaringType!.GetGenericArguments().Length : 0).ToArray();
        var offset = arguments.Length - ownArguments.Length;
        var name = prefix + BaseName(type);
        if (ownArguments.Length > 0)
        {
            name += "<" + string.Join(", ", ownArguments.Select((a, i) => Name(a, annotation.Argument(offset + i), tupleNames))) + ">";
        }

        return name + Mark(type, annotation);
    }

    // Only reference-constrained type parameters get a '?': NullabilityInfoContext reports an unconstrained T as
    // nullable wherever it is used (the "maybe null" of its declaration), so IEnumerable<T> would read IEnumerable<T?>.
    private static string Mark(Type type, Annotation annotation) =>
        annotation.Nullable && !type.IsValueType && (!type.IsGenericParameter || IsReferenceConstrained(type)) ? "?" : "";

    private static bool IsReferenceConstrained(Type parameter) =>
        (parameter.GenericParameterAttributes & GenericParameterAttributes.ReferenceTypeConstraint) != 0
        || parameter.GetGenericParameterConstraints().Any(c => c.IsClass && c != typeof(ValueType));

    private static bool IsValueTuple(Type type) =>
        type.IsGenericType && type.Namespace == "System" && type.Name.StartsWith("ValueTuple`", StringComparison.Ordinal);

    /// <summary>A type's own name without arity: <c>Module`3</c> -> <c>Module</c>.</summary>
    public static string BaseName(Type type)
    {
        var tick = type.Name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? type.Name : type.Name[..tick];
    }

    private static string GenericParameters(Type[] parameters) =>
        parameters.Length == 0 ? "" : "<" + string.Join(", ", parameters.Select(p => p.Name)) + ">";

    private static string TypeParameters(Type type)
    {
        var own = type.GetGenericArguments().Skip(type.IsNested ? type.DeclaringType!.GetGenericArguments().Length : 0).ToArray();
        if (own.Length == 0)
        {
            return "";
        }

        return "<" + string.Join(", ", own.Select(p => (p.GenericParameterAttributes & GenericParameterAttributes.VarianceMask) switch
        {
            GenericParameterAttributes.Covariant => "out " + p.Name,
            GenericParameterAttributes.Contravariant => "in " + p.Name,
            _ => p.Name,
        })) + ">";
    }

    private string Constraints(Type[] parameters)
    {
        var text = new StringBuilder();
        foreach (var parameter in parameters.Where(p => p.IsGenericParameter))
        {
            var attributes = parameter.GenericParameterAttributes;
            var items = new List<string>();
            if ((attributes & GenericParameterAttributes.NotNullableValueTypeConstraint) != 0)
            {
                items.Add(parameter.GetCustomAttributesData().Any(a => a.AttributeType.Name == "IsUnmanagedAttribute") ? "unmanaged" : "struct");
            }
            else if ((attributes & GenericParameterAttributes.ReferenceTypeConstraint) != 0)
            {
                items.Add("class");
            }

            items.AddRange(parameter.GetGenericParameterConstraints().Where(c => c != typeof(ValueType)).Select(TypeName).OrderBy(c => c, StringComparer.Ordinal));
            if ((attributes & GenericParameterAttributes.DefaultConstructorConstraint) != 0 && (attributes & GenericParameterAttributes.NotNullableValueTypeConstraint) == 0)
            {
                items.Add("new()");
            }

            if (items.Count > 0)
            {
                text.Append(" where ").Append(parameter.Name).Append(" : ").Append(string.Join(", ", items));
            }
        }

        return text.ToString();
    }

    private static string Access(MethodBase method) =>
        method.IsPublic ? "public " : method.IsFamily ? "protected " : method.IsFamilyOrAssembly ? "protected internal " : "";

    private static string Access(FieldInfo field) =>
        field.IsPublic ? "public " : field.IsFamily ? "protected " : field.IsFamilyOrAssembly ? "protected internal " : "";

    private static string AccessorAccess(MethodInfo accessor, MethodInfo property) =>
        Access(accessor) == Access(property) ? "" : Access(accessor);

    /// <summary>Whether a caller outside the assembly can use a member (public or, in an unsealed type, protected).</summary>
    public static bool IsVisible(MethodBase method) =>
        method.IsPublic || ((method.IsFamily || method.IsFamilyOrAssembly) && !method.DeclaringType!.IsSealed);

    public static bool IsVisible(FieldInfo field) =>
        field.IsPublic || ((field.IsFamily || field.IsFamilyOrAssembly) && !field.DeclaringType!.IsSealed);

    private static string Modifiers(MethodInfo method)
    {
        if (method.IsStatic)
        {
            return method.DeclaringType!.IsInterface && method.IsAbstract ? "static abstract " : "static ";
        }

        if (method.DeclaringType!.IsInterface)
        {
            return "";
        }

        if (method.IsAbstract)
        {
            return "abstract ";
        }

        if (!method.IsVirtual)
        {
            return "";
        }

        var overrides = method.GetBaseDefinition() != method;
        if (overrides)
        {
            return method.IsFinal ? "sealed override " : "override ";
        }

        // Interface implementations are emitted virtual and final: not virtual in C#.
        return method.IsFinal ? "" : "virtual ";
    }

    private static bool IsReadOnlyMember(MethodInfo method) =>
        method.DeclaringType!.IsValueType && !IsReadOnly(method.DeclaringType) && method.IsDefined(typeof(IsReadOnlyAttribute), false);

    private static bool IsReadOnly(Type type) => type.GetCustomAttributesData().Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.IsReadOnlyAttribute");

    /// <summary>A record declares the compiler's clone method (class) or its EqualityContract-free printer (struct).</summary>
    public static bool IsRecord(Type type) =>
        type.GetMethod("<Clone>$", Declared) is not null
        || (type.IsValueType && type.GetMethod("PrintMembers", Declared) is { } print && print.IsDefined(typeof(CompilerGeneratedAttribute), false));

    public static bool IsDelegate(Type type) => type.IsSubclassOf(typeof(MulticastDelegate));

    private Annotation Annotate(ParameterInfo parameter) => ToAnnotation(_nullability.Create(parameter));

    private Annotation Annotate(PropertyInfo property) => ToAnnotation(_nullability.Create(property));

    private Annotation Annotate(FieldInfo field) => ToAnnotation(_nullability.Create(field));

    private Annotation Annotate(EventInfo @event) => ToAnnotation(_nullability.Create(@event));

    private static Annotation ToAnnotation(NullabilityInfo info)
    {
        var state = info.ReadState == NullabilityState.Unknown ? info.WriteState : info.ReadState;
        return new Annotation(
            state == NullabilityState.Nullable,
            info.ElementType is null ? null : ToAnnotation(info.ElementType),
            info.GenericTypeArguments.Select(ToAnnotation).ToList());
    }

    /// <summary>
    /// The base class's annotations, from the NullableAttribute on the type itself (Roslyn's flattened byte form: one
    /// byte per reference type or type parameter, pre-order; 2 = nullable), e.g. <c>Module&lt;Tensor, Tensor?&gt;</c>.
    /// </summary>
    private static Annotation BaseTypeAnnotation(Type type)
    {
        var attribute = type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.NullableAttribute");
        if (attribute is null || attribute.ConstructorArguments.Count != 1)
        {
            return Annotation.None;
        }

        var argument = attribute.ConstructorArguments[0];
        byte[] flags = argument.Value switch
        {
            byte single => [single],
            ReadOnlyCollection<CustomAttributeTypedArgument> many => many.Select(a => (byte)a.Value!).ToArray(),
            _ => [],
        };
        var index = 0;
        return FromFlags(type.BaseType!, flags, ref index);
    }

    private static Annotation FromFlags(Type type, byte[] flags, ref int index)
    {
        byte Next(ref int i) => flags.Length == 1 ? flags[0] : i < flags.Length ? flags[i++] : (byte)0;

        if (type.IsArray)
        {
            var nullable = Next(ref index) == 2;
            return new Annotation(nullable, FromFlags(type.GetElementType()!, flags, ref index), []);
        }

        var own = !type.IsValueType || type.IsGenericParameter ? Next(ref index) == 2 : false;
        var arguments = new List<Annotation>();
        foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
        {
            arguments.Add(FromFlags(argument, flags, ref index));
        }

        return new Annotation(own, null, arguments);
    }

    private static Queue<string?>? TupleNames(ICustomAttributeProvider provider)
    {
        var data = provider switch
        {
            ParameterInfo parameter => parameter.GetCustomAttributesData(),
            MemberInfo member => member.GetCustomAttributesData(),
            _ => [],
        };
        var attribute = data.FirstOrDefault(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.TupleElementNamesAttribute");
        if (attribute?.ConstructorArguments.FirstOrDefault().Value is not ReadOnlyCollection<CustomAttributeTypedArgument> names)
        {
            return null;
        }

        return new Queue<string?>(names.Select(n => (string?)n.Value));
    }
}
