using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;

namespace AuxLosses.ApiReference;

/// <summary>
/// The <c>&lt;member&gt;</c> elements of one or more compiler XML documentation files, by documentation ID, with
/// <c>&lt;inheritdoc/&gt;</c> resolved against base and interface members.
/// </summary>
internal sealed class DocComments
{
    private readonly Dictionary<string, XElement> _members = new(StringComparer.Ordinal);

    public void Load(string xmlPath)
    {
        var document = XDocument.Load(xmlPath, LoadOptions.PreserveWhitespace);
        foreach (var member in document.Descendants("member"))
        {
            var name = (string?)member.Attribute("name");
            if (name is not null)
            {
                _members[name] = member;
            }
        }
    }

    public void Add(string id, XElement member) => _members[id] = member;

    public bool Contains(string id) => _members.ContainsKey(id);

    /// <summary>
    /// The documentation of <paramref name="member"/>: its own element, with an <c>&lt;inheritdoc/&gt;</c> replaced by
    /// the documentation of the cref'd member, or else of the base or interface member it overrides or implements
    /// (own tags win). Null when the member has no entry. An inheritdoc whose source lies outside the loaded files
    /// becomes a summary that names that member.
    /// </summary>
    public XElement? For(MemberInfo member) => Resolve(member, DocIds.Of(member), depth: 0);

    private XElement? Resolve(MemberInfo? member, string id, int depth)
    {
        if (!_members.TryGetValue(id, out var element))
        {
            return null;
        }

        var inherit = element.Element("inheritdoc");
        if (inherit is null || depth > 8)
        {
            return element;
        }

        XElement? inherited = null;
        string? sourceName = null;
        var cref = (string?)inherit.Attribute("cref");
        if (cref is not null)
        {
            inherited = Resolve(null, cref, depth + 1);
            sourceName = cref;
        }
        else if (member is not null)
        {
            foreach (var source in InheritanceSources(member))
            {
                sourceName ??= DocIds.Of(source);
                inherited = Resolve(source, DocIds.Of(source), depth + 1);
                if (inherited is not null)
                {
                    break;
                }
            }
        }

        var merged = new XElement("member", new XAttribute("name", id));
        var own = element.Elements().Where(e => e.Name != "inheritdoc").ToList();
        merged.Add(own.Select(e => new XElement(e)));
        if (inherited is not null)
        {
            // Own tags win; params, typeparams and exceptions merge by name / cref.
            foreach (var tag in inherited.Elements())
            {
                var key = (string?)tag.Attribute("name") ?? (string?)tag.Attribute("cref");
                var present = own.Any(e => e.Name == tag.Name && ((string?)e.Attribute("name") ?? (string?)e.Attribute("cref")) == key);
                if (!present)
                {
                    merged.Add(new XElement(tag));
                }
            }
        }
        else if (sourceName is not null && merged.Element("summary") is null)
        {
            merged.Add(new XElement("summary", "See ", new XElement("see", new XAttribute("cref", sourceName)), "."));
        }

        return merged;
    }

    /// <summary>The members an inheritdoc without cref inherits from: the overridden member, then interface members.</summary>
    private static IEnumerable<MemberInfo> InheritanceSources(MemberInfo member)
    {
        switch (member)
        {
            case MethodInfo method:
                foreach (var source in MethodSources(method))
                {
                    yield return source;
                }

                break;
            case PropertyInfo property:
                var accessor = property.GetMethod ?? property.SetMethod;
                if (accessor is null)
                {
                    break;
                }

                foreach (var source in MethodSources(accessor))
                {
                    var owner = source.DeclaringType!.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                        .FirstOrDefault(p => p.GetMethod == source || p.SetMethod == source);
                    if (owner is not null)
                    {
                        yield return owner;
                    }
                }

                break;
            case Type type:
                if (type.BaseType is not null && type.BaseType != typeof(object))
                {
                    yield return type.BaseType.IsGenericType ? type.BaseType.GetGenericTypeDefinition() : type.BaseType;
                }

                foreach (var contract in type.GetInterfaces().OrderBy(i => i.FullName, StringComparer.Ordinal))
                {
                    yield return contract.IsGenericType ? contract.GetGenericTypeDefinition() : contract;
                }

                break;
        }
    }

    private static IEnumerable<MethodInfo> MethodSources(MethodInfo method)
    {
        var declaring = method.DeclaringType!;
        if (method.IsVirtual && method.GetBaseDefinition() is var root && root != method)
        {
            // The nearest base class that declares it, then the one that introduced it.
            for (var type = declaring.BaseType; type is not null; type = type.BaseType)
            {
                var match = type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                    .FirstOrDefault(m => m.GetBaseDefinition() == root);
                if (match is not null)
                {
                    yield return Definition(match);
                }
            }
        }

        if (declaring.IsInterface)
        {
            yield break;
        }

        foreach (var contract in declaring.GetInterfaces().OrderBy(i => i.FullName, StringComparer.Ordinal))
        {
            var map = declaring.GetInterfaceMap(contract);
            for (var i = 0; i < map.TargetMethods.Length; i++)
            {
                if (map.TargetMethods[i] == method)
                {
                    yield return Definition(map.InterfaceMethods[i]);
                }
            }
        }
    }

    /// <summary>A member of a constructed generic type, mapped back to its definition, whose doc ID the XML uses.</summary>
    private static MethodInfo Definition(MethodInfo method)
    {
        var type = method.DeclaringType!;
        if (!type.IsGenericType || type.IsGenericTypeDefinition)
        {
            return method;
        }

        return (MethodInfo)MethodBase.GetMethodFromHandle(method.MethodHandle, type.GetGenericTypeDefinition().TypeHandle)!;
    }

    /// <summary>Loads the XML file that sits beside an assembly, if any.</summary>
    public bool TryLoadBeside(Assembly assembly)
    {
        var xml = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(xml))
        {
            return false;
        }

        Load(xml);
        return true;
    }
}
