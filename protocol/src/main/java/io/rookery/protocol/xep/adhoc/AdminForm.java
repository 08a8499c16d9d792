package io.rookery.protocol.xep.adhoc;

import io.rookery.protocol.xep.dataforms.DataForm;
import io.rookery.protocol.xml.Element;
import java.util.List;
import java.util.Map;

/**
 * XEP-0133 forms: a form to fill in with a title, instructions and labelled fields, and a result, both carrying the
 * hidden {@code FORM_TYPE} {@value #FORM_TYPE} (XEP-0068); and the check of a submitted form's FORM_TYPE.
 */
public final class AdminForm {
    public static final String FORM_TYPE = "http://jabber.org/protocol/admin";

    private AdminForm() {}

    /** A field: var, XEP-0004 type, label (null: none), whether it is required, its values. */
    public record Field(String var, String type, String label, boolean required, List<String> values) {
        public Field {
            values = List.copyOf(values);
        }

        /** A field to fill in, with no value. */
        public static Field ask(String var, String type, String label, boolean required) {
            return new Field(var, type, label, required, List.of());
        }

        /** A field of a result: its value, no type. */
        public static Field value(String var, String label, String value) {
            return new Field(var, null, label, false, List.of(value));
        }
    }

    /** {@code <x type='form'>} with its title, instructions, FORM_TYPE and fields. */
    public static Element form(String title, String instructions, List<Field> fields) {
        return x("form", title, instructions, fields);
    }

    /** {@code <x type='result'>} with FORM_TYPE and the fields (XEP-0133 §4.15's answer). */
    public static Element result(List<Field> fields) {
        return x("result", null, null, fields);
    }

    private static Element x(String type, String title, String instructions, List<Field> fields) {
        Element.Builder x = Element.builder("x", DataForm.NS).attr("type", type);
        if (title != null) x.child(Element.builder("title", DataForm.NS).text(title).build());
        if (instructions != null) x.child(Element.builder("instructions", DataForm.NS).text(instructions).build());
        x.child(field(new Field("FORM_TYPE", "hidden", null, false, List.of(FORM_TYPE))));
        for (Field f : fields) x.child(field(f));
        return x.build();
    }

    private static Element field(Field f) {
        Element.Builder b = Element.builder("field", DataForm.NS).attr("var", f.var()).attr("type", f.type())
                .attr("label", f.label());
        if (f.required()) b.child(Element.of("required", DataForm.NS));
        for (String v : f.values()) b.child(Element.builder("value", DataForm.NS).text(v).build());
        return b.build();
    }

    /**
     * Whether submitted fields may be read as this profile's: XEP-0068 §3 lets a form go without FORM_TYPE, but one
     * naming another type is about something else.
     */
    public static boolean isAdminForm(Map<String, List<String>> fields) {
        List<String> type = fields.get("FORM_TYPE");
        return type == null || type.isEmpty() || FORM_TYPE.equals(type.get(0));
    }

    /** The first value of a field, trimmed; null when the field is missing or blank. */
    public static String single(Map<String, List<String>> fields, String var) {
        List<String> values = fields.get(var);
        if (values == null || values.isEmpty() || values.get(0) == null) return null;
        String v = values.get(0).trim();
        return v.isEmpty() ? null : v;
    }

    /** Every non-blank value of a field, trimmed. */
    public static List<String> multi(Map<String, List<String>> fields, String var) {
        List<String> values = fields.get(var);
        if (values == null) return List.of();
        return values.stream().filter(v -> v != null && !v.isBlank()).map(String::trim).toList();
    }
}
