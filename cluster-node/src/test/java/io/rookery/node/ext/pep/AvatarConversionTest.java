package io.rookery.node.ext.pep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.rookery.node.ext.PartKey;
import io.rookery.node.ext.PartLookup;
import io.rookery.persistence.pep.AvatarHashSet;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import org.junit.jupiter.api.Test;

/** XEP-0398 §4: what the server does to the available presence a session sends. */
class AvatarConversionTest {
    private static final String HASH = "8bd1e7bd1b1cb9a1b4a2e0ab3b0f6f27c3f0f7a1";

    private static PartLookup session(String hash) {
        return new PartLookup() {
            @Override
            @SuppressWarnings("unchecked")
            public <S> S part(PartKey<S> key) {
                return key == AvatarConversion.HASH ? (S) hash : null;
            }
        };
    }

    private static Element presence(Element x) {
        Element.Builder p = Element.builder("presence", Namespaces.CLIENT)
                .child(Element.builder("show", Namespaces.CLIENT).text("away").build());
        if (x != null) p.child(x);
        return p.build();
    }

    private static String photo(Element presence) {
        Element x = presence.child("x", AvatarConversion.UPDATE);
        return x == null || x.child("photo", AvatarConversion.UPDATE) == null ? null
                : x.childText("photo", AvatarConversion.UPDATE);
    }

    @Test
    void theHashGoesIntoAPresenceWithoutOneAndTheRestIsKept() {
        Element stamped = AvatarConversion.stamp(session(HASH), presence(null));
        assertEquals(HASH, photo(stamped));
        assertEquals("away", stamped.childText("show", Namespaces.CLIENT));
    }

    @Test
    void anEmptyUpdateElementIsReplacedButAnEmptyPhotoIsLeftAlone() {
        Element empty = Element.of("x", AvatarConversion.UPDATE);
        assertEquals(HASH, photo(AvatarConversion.stamp(session(HASH), presence(empty))));
        Element noPhoto = presence(Element.builder("x", AvatarConversion.UPDATE)
                .child(Element.of("photo", AvatarConversion.UPDATE)).build());
        assertSame(noPhoto, AvatarConversion.stamp(session(HASH), noPhoto), "the client says it has none");
    }

    @Test
    void withoutAnAvatarNothingIsAdded() {
        Element p = presence(null);
        assertSame(p, AvatarConversion.stamp(session(null), p));
        assertNull(photo(p));
    }

    @Test
    void theAccountKeepsTheLastHashAndForgetsItWhenTheAvatarIsGone() {
        AvatarConversion.HashPart part = new AvatarConversion.HashPart();
        String kept = part.apply(null, new AvatarHashSet(HASH));
        assertEquals(HASH, kept);
        assertEquals(HASH, part.restore(part.snapshot(kept)));
        assertNull(part.apply(kept, new AvatarHashSet("")));
        assertNull(part.snapshot(null));
    }
}
