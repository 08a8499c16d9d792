package io.rookery.protocol.xep.dataforms;

import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** XEP-0004 {@code <x xmlns='jabber:x:data'/>}: reading a submitted form, writing a form to fill in. */
public final class DataForm {
    public static final String NS = "jabber:x:data";

    private DataForm() {}

    /**
     * A field of a form to fill in: its var, type ("text-single", "jid-single", "hidden", ...), value or null, and a
     * child such as a XEP-0122 validate element, or null.
     */
    public record Field(String var, String type, String value, Element extra) {
        public Field(String var, String type, String value) {
            this(var, type, value, null);
        }
    }

    /** The values of each field of the form in parent (var to values, in order), or null when there is no form. */
    public static Map<String, List<String>> submitted(Element parent) {
        Element x = parent.child("x", NS);
        if (x == null) return null;
        String type = x.attr("type");
        if (type != null && !"submit".equals(type)) throw new IllegalArgumentException("form of type " + type);
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (Element field : x.children("field", NS)) {
            String var = field.attr("var");
            if (var == null) continue;
            List<String> values = new ArrayList<>(1);
            for (Element value : field.children("value", NS)) values.add(value.text());
            fields.put(var, values);
        }
        return fields;
    }

    /** A form of type "form" with these fields (a hidden FORM_TYPE first when formType is not null). */
    public static Element form(String formType, List<Field> fields) {
        Element.Builder x = Element.builder("x", NS).attr("type", "form");
        if (formType != null) x.child(field(new Field("FORM_TYPE", "hidden", formType)));
        for (Field f : fields) x.child(field(f));
        return x.build();
    }

    private static Element field(Field f) {
        Element.Builder b = Element.builder("field", NS).attr("var", f.var()).attr("type", f.type());
        if (f.value() != null) b.child(Element.builder("value", NS).text(f.value()).build());
        if (f.extra() != null) b.child(f.extra());
        return b.build();
    }
}
