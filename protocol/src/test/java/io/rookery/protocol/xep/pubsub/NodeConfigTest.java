package io.rookery.protocol.xep.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rookery.protocol.xep.dataforms.DataForm;
import io.rookery.protocol.xml.Element;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeConfigTest {
    private static final NodeConfig PEP = NodeConfig.PEP_DEFAULT;

    @Test
    void aSubmittedFormChangesOnlyTheFieldsItNames() {
        NodeConfig open = PEP.with(Map.of("pubsub#access_model", List.of("open"), "pubsub#max_items", List.of("5")),
                1000);
        assertEquals(NodeConfig.AccessModel.OPEN, open.accessModel());
        assertEquals(5, open.maxItems());
        assertEquals(PEP.sendLastPublishedItem(), open.sendLastPublishedItem());
    }

    @Test
    void maxStaysMaxAndLargerNumbersAreCappedAtTheServiceLimit() {
        assertEquals(NodeConfig.MAX, PEP.with(Map.of("pubsub#max_items", List.of("max")), 1000).maxItems());
        assertEquals(1000, PEP.with(Map.of("pubsub#max_items", List.of("99999")), 1000).maxItems());
    }

    @Test
    void valuesAFieldDoesNotAllowAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> PEP.with(Map.of("pubsub#access_model", List.of("authorize")), 1000));
        assertThrows(IllegalArgumentException.class, () -> PEP.with(Map.of("pubsub#max_items", List.of("0")), 1000));
        assertThrows(IllegalArgumentException.class,
                () -> PEP.with(Map.of("pubsub#persist_items", List.of("maybe")), 1000));
        // Longer than the journal keeps a value.
        assertThrows(IllegalArgumentException.class,
                () -> PEP.with(Map.of("pubsub#title", List.of("t".repeat(2000))), 1000));
    }

    @Test
    void publishOptionsAreMetOnlyByTheSameValues() {
        NodeConfig open = PEP.with(Map.of("pubsub#access_model", List.of("open")), 1000);
        assertNull(open.unmet(Map.of("FORM_TYPE", List.of(PubSub.PUBLISH_OPTIONS),
                "pubsub#access_model", List.of("open")), 1000));
        assertEquals("pubsub#access_model", PEP.unmet(Map.of("pubsub#access_model", List.of("open")), 1000));
        assertEquals("pubsub#persist_items", PEP.unmet(Map.of("pubsub#persist_items", List.of("0")), 1000));
        // A field the node cannot promise is not met either.
        assertEquals("pubsub#frobnicate", PEP.unmet(Map.of("pubsub#frobnicate", List.of("1")), 1000));
        // Booleans compare by meaning: "true" and "1" are the same.
        assertNull(PEP.unmet(Map.of("pubsub#persist_items", List.of("true")), 1000));
    }

    @Test
    void theStoredMapReadsBackAsTheSameConfiguration() {
        NodeConfig c = PEP.with(Map.of("pubsub#access_model", List.of("roster"),
                "pubsub#roster_groups_allowed", List.of("Friends", "Family"), "pubsub#max_items", List.of("max"),
                "pubsub#title", List.of("Mood")), 1000);
        assertEquals(c, NodeConfig.fromMap(PEP, c.toMap()));
    }

    @Test
    void theFormCarriesTheCurrentValuesAndReadsBackAsSubmitted() {
        NodeConfig c = PEP.with(Map.of("pubsub#access_model", List.of("whitelist"), "pubsub#max_items",
                List.of("10")), 1000);
        Element form = c.form();
        Map<String, List<String>> read = DataForm.submitted(
                Element.builder("configure", PubSub.OWNER).child(form.withAttr("type", "submit")).build());
        assertEquals(List.of(PubSub.NODE_CONFIG), read.get("FORM_TYPE"));
        assertEquals(List.of("whitelist"), read.get("pubsub#access_model"));
        read.remove("FORM_TYPE");
        assertEquals(c, PEP.with(read, 1000));
    }
}
