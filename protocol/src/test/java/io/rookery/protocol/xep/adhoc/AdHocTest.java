package io.rookery.protocol.xep.adhoc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.TestXml;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** XEP-0050 commands and XEP-0133 forms, read from and written as the XEPs' examples. */
class AdHocTest {

    @Test
    void anExecuteRequestWithoutActionOrSessionIsRead() {
        // XEP-0050 Example 5, without the action, which "is implied".
        AdHoc.Request r = AdHoc.parse(TestXml.parse(
                "<command xmlns='http://jabber.org/protocol/commands' node='list'/>"));
        assertEquals("list", r.node());
        assertEquals(AdHoc.Action.EXECUTE, r.action());
        assertNull(r.sessionId());
        assertNull(r.form());
        assertEquals(Map.of(), r.fields());
    }

    @Test
    void aSecondStageWithItsSessionAndSubmittedFormIsRead() {
        // XEP-0133 Example 2 (add user, the admin submits the form).
        AdHoc.Request r = AdHoc.parse(TestXml.compact("""
                <command xmlns='http://jabber.org/protocol/commands'
                         node='http://jabber.org/protocol/admin#add-user'
                         sessionid='add-user:20040408T0337Z'>
                  <x xmlns='jabber:x:data' type='submit'>
                    <field type='hidden' var='FORM_TYPE'>
                      <value>http://jabber.org/protocol/admin</value>
                    </field>
                    <field var='accountjid'><value>juliet@shakespeare.lit</value></field>
                    <field var='password'><value>R0m30</value></field>
                    <field var='password-verify'><value>R0m30</value></field>
                  </x>
                </command>"""));
        assertEquals("http://jabber.org/protocol/admin#add-user", r.node());
        assertEquals("add-user:20040408T0337Z", r.sessionId());
        assertEquals(AdHoc.Action.EXECUTE, r.action());
        Map<String, List<String>> f = r.fields();
        assertEquals(true, AdminForm.isAdminForm(f));
        assertEquals("juliet@shakespeare.lit", AdminForm.single(f, "accountjid"));
        assertEquals("R0m30", AdminForm.single(f, "password"));
        assertNull(AdminForm.single(f, "email"));
    }

    @Test
    void aCancelFormCountsAsSubmittedAndEveryActionIsKnown() {
        // §4.5.1: "Responders SHOULD consider any <x type='cancel'/> to be <x type='submit'/>".
        AdHoc.Request r = AdHoc.parse(TestXml.compact("""
                <command xmlns='http://jabber.org/protocol/commands' node='config' sessionid='s1' action='complete'>
                  <x xmlns='jabber:x:data' type='cancel'><field var='mode'><value>3</value></field></x>
                </command>"""));
        assertEquals(AdHoc.Action.COMPLETE, r.action());
        assertEquals(List.of("3"), r.fields().get("mode"));
        for (String a : List.of("execute", "cancel", "prev", "next", "complete")) {
            assertEquals(a, AdHoc.parse(TestXml.parse("<command xmlns='http://jabber.org/protocol/commands'"
                    + " node='n' action='" + a + "'/>")).action().value());
        }
    }

    @Test
    void anUnknownActionAnEmptySessionAndAMissingNodeAreRefused() {
        var e = assertThrows(AdHoc.Malformed.class, () -> AdHoc.parse(TestXml.parse(
                "<command xmlns='http://jabber.org/protocol/commands' node='n' action='jump'/>")));
        assertEquals(AdHoc.Failure.MALFORMED_ACTION, e.failure);
        e = assertThrows(AdHoc.Malformed.class, () -> AdHoc.parse(TestXml.parse(
                "<command xmlns='http://jabber.org/protocol/commands' node='n' sessionid=''/>")));
        assertEquals(AdHoc.Failure.BAD_SESSIONID, e.failure);
        e = assertThrows(AdHoc.Malformed.class, () -> AdHoc.parse(TestXml.parse(
                "<command xmlns='http://jabber.org/protocol/commands'/>")));
        assertEquals(AdHoc.Failure.BAD_PAYLOAD, e.failure);
        e = assertThrows(AdHoc.Malformed.class, () -> AdHoc.parse(TestXml.parse(
                "<command xmlns='http://jabber.org/protocol/commands' node='n'><x xmlns='jabber:x:data'"
                        + " type='result'/></command>")));
        assertEquals(AdHoc.Failure.BAD_PAYLOAD, e.failure);
    }

    @Test
    void aFirstStageIsWrittenAsTheXepsFormWithItsActions() {
        Element form = AdminForm.form("Changing a User Password", "Fill out this form to change a user's password.",
                List.of(AdminForm.Field.ask("accountjid", "jid-single", "The Jabber ID for this account", true),
                        AdminForm.Field.ask("password", "text-private", "The password for this account", true)));
        Element written = AdHoc.form("http://jabber.org/protocol/admin#change-user-password",
                "change-user-password:20040408T0337Z", form);
        // XEP-0133 Example 23, with the <actions/> XEP-0050 §4.2 says a stage other than the last should carry.
        assertEquals(TestXml.compact("""
                <command xmlns='http://jabber.org/protocol/commands'
                         node='http://jabber.org/protocol/admin#change-user-password'
                         sessionid='change-user-password:20040408T0337Z'
                         status='executing'>
                  <actions execute='complete'><complete/></actions>
                  <x xmlns='jabber:x:data' type='form'>
                    <title>Changing a User Password</title>
                    <instructions>Fill out this form to change a user's password.</instructions>
                    <field var='FORM_TYPE' type='hidden'>
                      <value>http://jabber.org/protocol/admin</value>
                    </field>
                    <field var='accountjid' type='jid-single' label='The Jabber ID for this account'>
                      <required/>
                    </field>
                    <field var='password' type='text-private' label='The password for this account'>
                      <required/>
                    </field>
                  </x>
                </command>"""), written);
    }

    @Test
    void completionWithAResultFormAndNotesIsWrittenAsTheXeps() {
        // XEP-0133 Example 59 (number of online users), the result form in its §4.15 shape.
        Element written = AdHoc.completed("http://jabber.org/protocol/admin#get-online-users-num",
                "get-online-users-num:20040408T0337Z", List.of(AdHoc.Note.info("cluster-wide")),
                AdminForm.result(List.of(AdminForm.Field.value("onlineusersnum", "The number of online users",
                        "79"))));
        assertEquals(TestXml.compact("""
                <command xmlns='http://jabber.org/protocol/commands'
                         node='http://jabber.org/protocol/admin#get-online-users-num'
                         sessionid='get-online-users-num:20040408T0337Z'
                         status='completed'>
                  <note type='info'>cluster-wide</note>
                  <x xmlns='jabber:x:data' type='result'>
                    <field var='FORM_TYPE' type='hidden'>
                      <value>http://jabber.org/protocol/admin</value>
                    </field>
                    <field var='onlineusersnum' label='The number of online users'><value>79</value></field>
                  </x>
                </command>"""), written);
    }

    @Test
    void aCancellationIsAnsweredCanceled() {
        // XEP-0050 Example 16.
        assertEquals(TestXml.compact("""
                <command xmlns='http://jabber.org/protocol/commands'
                         node='config'
                         sessionid='config:20020923T213616Z-700'
                         status='canceled'/>"""), AdHoc.canceled("config", "config:20020923T213616Z-700"));
    }

    @Test
    void errorsCarryTheGeneralAndTheSpecificConditionAndDropTheSubmittedForm() {
        Element iq = TestXml.compact("""
                <iq type='set' from='bard@shakespeare.lit/globe' to='shakespeare.lit' id='exec2'>
                  <command xmlns='http://jabber.org/protocol/commands' node='config' sessionid='nope'>
                    <x xmlns='jabber:x:data' type='submit'><field var='password'><value>secret</value></field></x>
                  </command>
                </iq>""");
        assertEquals(TestXml.compact("""
                <iq type='error' from='shakespeare.lit' to='bard@shakespeare.lit/globe' id='exec2'>
                  <command xmlns='http://jabber.org/protocol/commands' node='config' sessionid='nope'/>
                  <error type='modify'>
                    <bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
                    <text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>unknown session</text>
                    <bad-sessionid xmlns='http://jabber.org/protocol/commands'/>
                  </error>
                </iq>"""), AdHoc.errorReply(iq, AdHoc.Failure.BAD_SESSIONID, "unknown session"));
        Element expired = AdHoc.errorReply(iq, AdHoc.Failure.SESSION_EXPIRED, null);
        Element error = expired.child("error", null);
        assertEquals("cancel", error.attr("type"));
        assertEquals(List.of("not-allowed", "session-expired"), error.elements().stream().map(Element::name).toList());
    }
}
