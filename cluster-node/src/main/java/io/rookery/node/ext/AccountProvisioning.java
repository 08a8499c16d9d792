package io.rookery.node.ext;

import java.util.concurrent.CompletionStage;

/** Creating an account, for the modules that let users do so (XEP-0077). The node provides it once it runs. */
public interface AccountProvisioning {
    enum Created { CREATED, ALREADY_EXISTS }

    /**
     * Creates localpart@domain with SCRAM keys derived from the password.
     *
     * @throws IllegalArgumentException at once, before anything is stored, for a name or password that cannot be
     *     prepared (RFC 7622, SASLprep)
     */
    CompletionStage<Created> create(String localpart, String password);
}
