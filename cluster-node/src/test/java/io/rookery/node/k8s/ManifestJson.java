package io.rookery.node.k8s;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Small helpers over the rendered objects as parsed JSON (maps, lists, strings and numbers). */
final class ManifestJson {
    private ManifestJson() {}

    static Map<String, Object> parseJson(String json) {
        return ConfigFactory.parseString(json, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON))
                .root().unwrapped();
    }

    static void collect(Object node, String key, List<String> into) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (key.equals(k) && v instanceof String s) into.add(s);
                else collect(v, key, into);
            });
        } else if (node instanceof List<?> l) {
            l.forEach(v -> collect(v, key, into));
        }
    }

    static boolean matches(Map<String, Object> selector, Map<String, Object> labels) {
        return !selector.isEmpty() && selector.entrySet().stream()
                .allMatch(e -> String.valueOf(e.getValue()).equals(String.valueOf(labels.get(e.getKey()))));
    }

    static Set<Integer> servicePorts(Map<String, Object> svc) {
        return list(at(svc, "spec", "ports")).stream().map(p -> num(at(p, "port"))).collect(Collectors.toSet());
    }

    /** A probe's or Service's port (number or container port name) as a number; -1 when the container has none. */
    static int containerPort(Map<String, Object> container, Object port) {
        for (Object p : list(container.get("ports"))) {
            String wanted = String.valueOf(port);
            if (wanted.equals(str(p, "name")) || wanted.equals(String.valueOf(at(p, "containerPort")))) {
                return num(at(p, "containerPort"));
            }
        }
        return -1;
    }

    static Map<String, Object> envEntry(Map<String, Object> container, String name) {
        return list(container.get("env")).stream().map(ManifestJson::map).filter(e -> name.equals(e.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("container " + container.get("name") + " sets no " + name));
    }

    static String imageOf(Map<String, Object> container) {
        return str(container, "image");
    }

    static Object podTemplate(Map<String, Object> o) {
        return at(o, "spec", "template", "spec") != null ? at(o, "spec", "template")
                : at(o, "spec", "jobTemplate", "spec", "template");
    }

    static Map<String, Object> podSpec(Map<String, Object> owner) {
        return map(at(podTemplate(owner), "spec"));
    }

    static String describe(Map<String, Object> o) {
        return o.get("kind") + " " + str(o, "metadata", "name");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> ? (Map<String, Object>) o : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o instanceof List<?> ? (List<Object>) o : List.of();
    }

    static Object at(Object o, String... path) {
        for (String p : path) {
            if (!(o instanceof Map<?, ?> m)) return null;
            o = m.get(p);
        }
        return o;
    }

    static String str(Object o, String... path) {
        Object v = at(o, path);
        return v == null ? null : String.valueOf(v);
    }

    static int num(Object o) {
        if (o instanceof Number n) return n.intValue();
        if (o instanceof String s && s.matches("\\d+")) return Integer.parseInt(s);
        throw new AssertionError("not a number: " + o);
    }
}
