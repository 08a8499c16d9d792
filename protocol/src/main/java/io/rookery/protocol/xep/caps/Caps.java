package io.rookery.protocol.xep.caps;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/** XEP-0115: the capabilities hash of a disco#info and the {@code <c/>} element that carries it. */
public final class Caps {
    public static final String NS = "http://jabber.org/protocol/caps";

    private Caps() {}

    /**
     * §5.1: identities "category/type/lang/name" sorted, each followed by '<', then the features sorted, each
     * followed by '<'; SHA-1 of the UTF-8 bytes, base64. No extended information (data forms) is hashed.
     */
    public static String ver(List<String> identities, List<String> features) {
        StringBuilder s = new StringBuilder(256);
        identities.stream().sorted().forEach(i -> s.append(i).append('<'));
        features.stream().sorted().forEach(f -> s.append(f).append('<'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }

    /**
     * §5.1 and §5.4 over a disco#info {@code <query/>} an entity answered: its identities, features and extended
     * forms (XEP-0128), each form as its FORM_TYPE, then its other fields by var with their values sorted. Null
     * when the answer is ill-formed in a way §5.4 step 3 says must not be cached (a duplicate identity or
     * feature, a form without or with several FORM_TYPE values, two forms of the same FORM_TYPE).
     */
    public static String verOf(io.rookery.protocol.xml.Element query) {
        String disco = "http://jabber.org/protocol/disco#info";
        List<String> identities = new java.util.ArrayList<>();
        for (io.rookery.protocol.xml.Element i : query.children("identity", disco)) {
            identities.add(nz(i.attr("category")) + "/" + nz(i.attr("type")) + "/" + nz(i.attr("xml:lang")) + "/"
                    + nz(i.attr("name")));
        }
        List<String> features = new java.util.ArrayList<>();
        for (io.rookery.protocol.xml.Element f : query.children("feature", disco)) features.add(nz(f.attr("var")));
        if (new java.util.HashSet<>(identities).size() != identities.size()
                || new java.util.HashSet<>(features).size() != features.size()) {
            return null;
        }
        java.util.TreeMap<String, String> forms = new java.util.TreeMap<>();
        for (io.rookery.protocol.xml.Element x : query.children("x", "jabber:x:data")) {
            String formType = null;
            java.util.TreeMap<String, List<String>> fields = new java.util.TreeMap<>();
            for (io.rookery.protocol.xml.Element field : x.children("field", "jabber:x:data")) {
                List<String> values = new java.util.ArrayList<>();
                for (io.rookery.protocol.xml.Element v : field.children("value", "jabber:x:data")) values.add(v.text());
                if ("FORM_TYPE".equals(field.attr("var"))) {
                    if (formType != null || values.size() != 1) return null;
                    formType = values.get(0);
                } else if (field.attr("var") != null) {
                    fields.put(field.attr("var"), values.stream().sorted().toList());
                }
            }
            if (formType == null) continue; // §5.4 step 3.6: a form without FORM_TYPE is ignored
            StringBuilder f = new StringBuilder(formType).append('<');
            fields.forEach((var, values) -> {
                f.append(var).append('<');
                values.forEach(v -> f.append(v).append('<'));
            });
            if (forms.put(formType, f.toString()) != null) return null;
        }
        StringBuilder s = new StringBuilder(256);
        identities.stream().sorted().forEach(i -> s.append(i).append('<'));
        features.stream().sorted().forEach(f -> s.append(f).append('<'));
        forms.values().forEach(s::append);
        return sha1(s.toString());
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String sha1(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }

    /** §4: {@code <c xmlns='…caps' hash='sha-1' node='…' ver='…'/>}, as serialized XML. */
    public static String element(String node, String ver) {
        return "<c xmlns='" + NS + "' hash='sha-1' node='" + node + "' ver='" + ver + "'/>";
    }
}
