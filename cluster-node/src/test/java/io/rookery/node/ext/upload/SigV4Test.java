package io.rookery.node.ext.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The signer against the worked examples of Amazon S3's documentation ("Signature Calculations for the Authorization
 * Header: Transferring Payload in a Single Chunk", example credentials, 2013-05-24, us-east-1): the published
 * canonical request, string to sign and signature, so the signature is checked apart from any server.
 */
class SigV4Test {
    private static final SigV4 EXAMPLE = new SigV4("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "us-east-1");
    private static final Instant AT = Instant.parse("2013-05-24T00:00:00Z");
    private static final String HOST = "examplebucket.s3.amazonaws.com";

    @Test
    void theGetObjectExampleGivesThePublishedSignature() {
        Map<String, String> headers = Map.of("Host", HOST, "Range", "bytes=0-9",
                "x-amz-content-sha256", SigV4.EMPTY_SHA256, "x-amz-date", "20130524T000000Z");
        String canonical = SigV4.canonicalRequest("GET", "/test.txt", Map.of(), SigV4.canonicalHeaders(headers),
                SigV4.EMPTY_SHA256);
        assertEquals("""
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855""", canonical);
        assertEquals("""
                AWS4-HMAC-SHA256
                20130524T000000Z
                20130524/us-east-1/s3/aws4_request
                7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972""",
                EXAMPLE.stringToSign(canonical, AT));
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
                EXAMPLE.authorization("GET", "/test.txt", Map.of(), headers, SigV4.EMPTY_SHA256, AT));
    }

    @Test
    void thePutObjectExampleSignsThePayloadHashAndEncodesTheKey() {
        String payload = SigV4.sha256Hex("Welcome to Amazon S3.");
        assertEquals("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072", payload);
        Map<String, String> headers = Map.of("Host", HOST, "Date", "Fri, 24 May 2013 00:00:00 GMT",
                "x-amz-date", "20130524T000000Z", "x-amz-storage-class", "REDUCED_REDUNDANCY",
                "x-amz-content-sha256", payload);
        assertEquals("/test%24file.text", SigV4.encodePath("/test$file.text"));
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
                + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
                EXAMPLE.authorization("PUT", SigV4.encodePath("/test$file.text"), Map.of(), headers, payload, AT));
    }

    @Test
    void theListObjectsExampleSortsAndEncodesTheQuery() {
        Map<String, String> headers = Map.of("Host", HOST, "x-amz-content-sha256", SigV4.EMPTY_SHA256,
                "x-amz-date", "20130524T000000Z");
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
                + "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
                EXAMPLE.authorization("GET", "/", Map.of("prefix", "J", "max-keys", "2"), headers,
                        SigV4.EMPTY_SHA256, AT));
    }

    @Test
    void queryValuesAreEncodedOnceAndEmptyValuesKeepTheirEqualsSign() {
        String canonical = SigV4.canonicalRequest("GET", "/bucket", Map.of("list-type", "2",
                "continuation-token", "1/a+b=", "prefix", "up load/", "a-b", "", "a", "x"),
                SigV4.canonicalHeaders(Map.of("host", "h")), SigV4.EMPTY_SHA256);
        assertEquals("a=x&a-b=&continuation-token=1%2Fa%2Bb%3D&list-type=2&prefix=up%20load%2F",
                canonical.split("\n")[2]);
        assertEquals("/b/%C3%BCber%20all/x~y_z-1.txt", SigV4.encodePath("/b/über all/x~y_z-1.txt"));
    }

    @Test
    void theSecretIsNeverShown() {
        assertFalse(EXAMPLE.toString().contains("wJalrXUtnFEMI"), EXAMPLE::toString);
    }
}
