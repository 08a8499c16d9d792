package io.rookery.protocol.xep.vcard;

/** XEP-0054: {@code <vCard xmlns='vcard-temp'/>}. */
public final class VCard {
    public static final String NS = "vcard-temp";
    public static final String ELEMENT = "vCard";

    private VCard() {}
}
