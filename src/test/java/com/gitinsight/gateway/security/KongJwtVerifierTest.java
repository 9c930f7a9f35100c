package com.gitinsight.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.gitinsight.gateway.config.GatewayConfig;
import com.gitinsight.gateway.config.KongConfigParser;
import com.gitinsight.gateway.config.PluginRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.HmacKey;
import org.jose4j.keys.RsaKeyUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KongJwtVerifierTest {

    static final long NOW = 1_800_000_000L;
    static final String SHORT_SECRET = "your-jwt-secret-here";
    static RsaJsonWebKey rsa;
    static Credentials credentials;
    static GatewayConfig gateway;
    static JwtSchema.Config config;

    @BeforeAll
    static void consumers() throws Exception {
        rsa = RsaJwkGenerator.generateJwk(2048);
        String pem = RsaKeyUtil.pemEncode(rsa.getPublicKey());
        gateway = new KongConfigParser(PluginRegistry.builtIn())
                .parse("t.yml", """
                _format_version: "3.0"
                consumers:
                  - username: web-frontend
                    custom_id: wf
                    jwt_secrets:
                      - {key: web-frontend-key, secret: "%s"}
                  - username: mobile-app
                    jwt_secrets:
                      - key: mobile-rsa
                        algorithm: RS256
                        rsa_public_key: |
                %s
                """.formatted(SHORT_SECRET, pem.indent(10).stripTrailing()));
        credentials = Credentials.of(gateway, false);
        config = new JwtSchema.Config(
                "kid", true, true, 0, List.of("jwt"), List.of(), List.of("authorization"), false, null, true);
    }

    static String hs256(String secret, String claimsJson) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claimsJson);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKey(new HmacKey(secret.getBytes(StandardCharsets.UTF_8)));
        jws.setDoKeyValidation(false);
        return jws.getCompactSerialization();
    }

    static String rs256(String claimsJson) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claimsJson);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKey(rsa.getPrivateKey());
        return jws.getCompactSerialization();
    }

    static String claims(String kid, long exp) {
        return "{\"kid\":\"" + kid + "\",\"exp\":" + exp + ",\"nbf\":" + (NOW - 10) + "}";
    }

    private static KongJwtVerifier.Result verify(String token) {
        return KongJwtVerifier.verify(token, config, credentials, NOW);
    }

    private static void rejected(String token, String message) {
        KongJwtVerifier.Result r = verify(token);
        assertInstanceOf(KongJwtVerifier.Rejected.class, r, token);
        assertEquals(message, ((KongJwtVerifier.Rejected) r).message());
    }

    @Test
    void kongCredentialsVerifyIncludingShortHmacSecretsAndRsa() throws Exception {
        KongJwtVerifier.Result hs = verify(hs256(SHORT_SECRET, claims("web-frontend-key", NOW + 60)));
        assertEquals(
                "web-frontend",
                ((KongJwtVerifier.Verified) hs).credential().consumer().username());
        KongJwtVerifier.Result rs = verify(rs256(claims("mobile-rsa", NOW + 60)));
        assertEquals(
                "mobile-app",
                ((KongJwtVerifier.Verified) rs).credential().consumer().username());
    }

    @Test
    void kongMessagesForEachFailure() throws Exception {
        rejected(hs256("wrong-secret", claims("web-frontend-key", NOW + 60)), "Invalid signature");
        rejected(hs256(SHORT_SECRET, claims("nobody", NOW + 60)), "No credentials found for given 'kid'");
        rejected(hs256(SHORT_SECRET, "{\"exp\":" + (NOW + 60) + "}"), "No mandatory 'kid' in claims");
        rejected(hs256(SHORT_SECRET, "{\"kid\":\"\"}"), "Invalid 'kid' in claims");
        rejected(hs256(SHORT_SECRET, claims("web-frontend-key", NOW - 1)), "token expired");
        rejected(
                hs256(
                        SHORT_SECRET,
                        "{\"kid\":\"web-frontend-key\",\"exp\":" + (NOW + 60) + ",\"nbf\":" + (NOW + 30) + "}"),
                "token not valid yet");
        rejected(rs256(claims("web-frontend-key", NOW + 60)), "Invalid algorithm");
        rejected("not-a-token", "Bad token; invalid JSON");
    }

    @Test
    void algNoneAndHmacSignedWithTheRsaPublicKeyAreRefused() throws Exception {
        String payload = b64(claims("mobile-rsa", NOW + 60));
        // Kong's parser knows no "none": a bad token before any credential is looked at.
        rejected(b64("{\"alg\":\"none\"}") + "." + payload + ".", "Bad token; invalid alg");
        // The classic confusion: HS256 keyed with the RSA public key's PEM text.
        String pem = RsaKeyUtil.pemEncode(rsa.getPublicKey());
        rejected(hs256(pem, claims("mobile-rsa", NOW + 60)), "Invalid algorithm");
    }

    @Test
    void theVerdictKeepsTheTokensSubject() throws Exception {
        String withSub =
                "{\"kid\":\"web-frontend-key\",\"exp\":" + (NOW + 60) + ",\"nbf\":" + (NOW - 10) + ",\"sub\":\"u1\"}";
        assertEquals("u1", ((KongJwtVerifier.Verified) verify(hs256(SHORT_SECRET, withSub))).subject());
        org.junit.jupiter.api.Assertions.assertNull(((KongJwtVerifier.Verified)
                        verify(hs256(SHORT_SECRET, claims("web-frontend-key", NOW + 60))))
                .subject());
    }

    @Test
    void aVerdictReusedLaterIsTimedAgain() throws Exception {
        KongJwtVerifier.Verified v =
                (KongJwtVerifier.Verified) verify(hs256(SHORT_SECRET, claims("web-frontend-key", NOW + 60)));
        org.junit.jupiter.api.Assertions.assertNull(KongJwtVerifier.times(v, config, NOW + 59));
        assertEquals("token expired", KongJwtVerifier.times(v, config, NOW + 60).message());
    }

    @Test
    void maximumExpirationIsEnforced() throws Exception {
        JwtSchema.Config strict =
                new JwtSchema.Config("kid", true, false, 60, List.of(), List.of(), List.of(), false, null, true);
        KongJwtVerifier.Result r = KongJwtVerifier.verify(
                hs256(SHORT_SECRET, claims("web-frontend-key", NOW + 3600)), strict, credentials, NOW);
        assertEquals("exceeds maximum allowed expiration", ((KongJwtVerifier.Rejected) r).message());
        // A fraction compared as it is, as Kong's exp - time() > maximum_expiration (helper review 191).
        JwtSchema.Config half =
                new JwtSchema.Config("kid", true, false, 0.5, List.of(), List.of(), List.of(), false, null, true);
        KongJwtVerifier.Result oneSecond = KongJwtVerifier.verify(
                hs256(SHORT_SECRET, claims("web-frontend-key", NOW + 1)), half, credentials, NOW);
        assertEquals("exceeds maximum allowed expiration", ((KongJwtVerifier.Rejected) oneSecond).message());
    }

    /** 10,000 generated bad tokens: every one is refused, none passes and none throws. */
    @Test
    void tenThousandBadTokensAreAllRefused() throws Exception {
        Random random = new Random(42);
        String good = hs256(SHORT_SECRET, claims("web-frontend-key", NOW + 60));
        String goodRsa = rs256(claims("mobile-rsa", NOW + 60));
        String[] parts = good.split("\\.");
        for (int i = 0; i < 10_000; i++) {
            String token = switch (i % 10) {
                case 0 -> good.substring(0, random.nextInt(good.length() - 1));
                case 1 -> mutate(good, random);
                case 2 -> mutate(goodRsa, random);
                case 3 ->
                    b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + "."
                            + (random.nextBoolean() ? "" : parts[2]);
                case 4 -> hs256(RsaKeyUtil.pemEncode(rsa.getPublicKey()), claims("mobile-rsa", NOW + 60));
                case 5 -> hs256(SHORT_SECRET, claims("kid-" + random.nextInt(), NOW + 60));
                case 6 -> hs256(SHORT_SECRET, claims("web-frontend-key", NOW - random.nextInt(100_000)));
                case 7 -> "x".repeat(random.nextInt(40_000)) + "." + parts[1] + "." + parts[2];
                case 8 -> parts[0] + "." + b64(junk(random, 6)) + "." + parts[2];
                default -> randomBase64(random) + "." + randomBase64(random) + "." + randomBase64(random);
            };
            KongJwtVerifier.Result r = verify(token);
            if (!(r instanceof KongJwtVerifier.Rejected)) {
                fail("accepted bad token #" + i + ": " + token);
            }
        }
    }

    /**
     * One character changed. Not the last of a segment: its low bits may be padding that decoders
     * ignore, so the token could still be the same token; nor to its other alphabet's spelling.
     */
    private static String mutate(String token, Random random) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/%";
        char[] c = token.toCharArray();
        int i;
        do {
            i = random.nextInt(c.length - 1);
        } while (c[i] == '.' || c[i + 1] == '.');
        char replacement;
        do {
            replacement = alphabet.charAt(random.nextInt(alphabet.length()));
        } while (replacement == c[i] || sameSextet(replacement, c[i]));
        c[i] = replacement;
        return new String(c);
    }

    /** Kong's decoder reads - as + and _ as /: swapping them keeps the token the same. */
    private static boolean sameSextet(char a, char b) {
        String pair = "" + a + b;
        return pair.equals("-+") || pair.equals("+-") || pair.equals("_/") || pair.equals("/_");
    }

    private static String junk(Random random, int depth) {
        if (depth == 0) {
            return random.nextBoolean() ? "\"" + random.nextInt() + "\"" : "[" + random.nextDouble() + "]";
        }
        return random.nextBoolean()
                ? "{\"kid\":" + junk(random, depth - 1) + "}"
                : "[" + junk(random, depth - 1) + ",null";
    }

    private static String randomBase64(Random random) {
        byte[] b = new byte[random.nextInt(64)];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void fuzzingReallyExercisesTheVerifier() throws Exception {
        // Guards the fuzz test: the unmutated tokens it starts from do pass.
        assertTrue(
                verify(hs256(SHORT_SECRET, claims("web-frontend-key", NOW + 60))) instanceof KongJwtVerifier.Verified);
        assertTrue(verify(rs256(claims("mobile-rsa", NOW + 60))) instanceof KongJwtVerifier.Verified);
    }

    // Kong 3.7+: EdDSA credentials (their PEM was parsed as RSA at load and refused).
    @Test
    void eddsaCredentialsLoadAndVerify() throws Exception {
        for (String curve : List.of("Ed25519", "Ed448")) {
            java.security.KeyPair pair =
                    java.security.KeyPairGenerator.getInstance(curve).generateKeyPair();
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + java.util.Base64.getMimeEncoder()
                            .encodeToString(pair.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----";
            GatewayConfig gateway = new KongConfigParser(PluginRegistry.builtIn())
                    .parse("t.yml", """
                    _format_version: "3.0"
                    consumers:
                      - username: ed
                        jwt_secrets:
                          - key: ed-key
                            algorithm: EdDSA
                            rsa_public_key: |
                    %s
                    """.formatted(pem.indent(10).stripTrailing()));
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims("ed-key", NOW + 60));
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.EDDSA);
            jws.setKey(pair.getPrivate());
            KongJwtVerifier.Result r =
                    KongJwtVerifier.verify(jws.getCompactSerialization(), config, Credentials.of(gateway, false), NOW);
            assertInstanceOf(KongJwtVerifier.Verified.class, r, curve + ": " + r);
        }
    }

    // Kong 3.5+'s jwt base64_decode is nginx's decode_base64url (Kong/kong#11569, #12676): URL-safe
    // characters and missing padding are read, the standard alphabet's '+' and '/' are not (helper review 208).
    @Test
    void base64SecretsAreDecodedAsKongDecodesThem() {
        assertEquals("hello?>", new String(Credentials.base64("aGVsbG8_Pg"), StandardCharsets.UTF_8));
        assertEquals("hello?>", new String(Credentials.base64("aGVsbG8_Pg=="), StandardCharsets.UTF_8));
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> Credentials.base64("aGVsbG8/Pg=="));
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> Credentials.base64("c2Vj+/Jl"));
        // nginx's decode_base64 stops at the first '=' (helper review 191) and refuses 4n+1 characters.
        assertEquals("secret", new String(Credentials.base64("c2VjcmV0="), StandardCharsets.UTF_8));
        assertEquals("secret", new String(Credentials.base64("c2VjcmV0=junk"), StandardCharsets.UTF_8));
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> Credentials.base64("c2VjcmV0a"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Credentials.base64("c2V*"));
    }

    // Kong's daos: an HS credential without a secret gets a random one (it was dropped: "No credentials").
    @Test
    void anHmacCredentialWithoutASecretGetsOneNobodyKnows() throws Exception {
        GatewayConfig gateway = new KongConfigParser(PluginRegistry.builtIn()).parse("t.yml", """
                _format_version: "3.0"
                consumers:
                  - username: auto
                    jwt_secrets: [{key: auto-key}]
                """);
        KongJwtVerifier.Result r = KongJwtVerifier.verify(
                hs256("guessed-secret", claims("auto-key", NOW + 60)), config, Credentials.of(gateway, false), NOW);
        assertInstanceOf(KongJwtVerifier.Rejected.class, r);
        assertEquals("Invalid signature", ((KongJwtVerifier.Rejected) r).message());
        assertEquals(32, gateway.consumers().get(0).jwtSecrets().get(0).secret().length());
    }

    // Helper review 87: Kong's tokenize(token, ".", 3) keeps everything after the second dot as
    // the signature; one its base64 cannot read is "invalid signature", after the header's checks.
    @Test
    void anUnreadableSignatureSegmentIsAnInvalidSignature() throws Exception {
        String token = hs256(SHORT_SECRET, claims("web-frontend-key", NOW + 60));
        int last = token.lastIndexOf('.');
        rejected(token + ".d", "Bad token; invalid signature");
        rejected(token.substring(0, last) + ".bad!sig", "Bad token; invalid signature");
        rejected(
                b64("{\"alg\":\"foo\"}") + "." + b64(claims("web-frontend-key", NOW + 60)) + ".x.y",
                "Bad token; invalid alg");
        rejected(token.substring(0, last), "Bad token; invalid JSON");
    }

    // Helper review 208 #1: a token written in the standard alphabet is no token to Kong 3.5+
    // (decode_base64url): '+' or '/' in the signature is an invalid signature, in the header or
    // payload invalid JSON, where the same token in base64url passes.
    @Test
    void aTokenInTheStandardBase64AlphabetIsRefusedAsKong35RefusesIt() throws Exception {
        String token = null;
        for (long exp = NOW + 60; token == null; exp++) {
            String t = hs256(SHORT_SECRET, claims("web-frontend-key", exp));
            String signature = t.substring(t.lastIndexOf('.') + 1);
            if (signature.indexOf('-') >= 0 || signature.indexOf('_') >= 0) {
                token = t;
            }
        }
        assertInstanceOf(KongJwtVerifier.Verified.class, verify(token));
        int last = token.lastIndexOf('.');
        String standard = token.substring(last + 1).replace('-', '+').replace('_', '/');
        rejected(token.substring(0, last + 1) + standard, "Bad token; invalid signature");
        String header = token.substring(0, token.indexOf('.'));
        rejected(header + "." + "eyJ+" + token.substring(token.indexOf('.') + 1), "Bad token; invalid JSON");
        // decode_base64url refuses a length of 4n+1 (helper review 210 #7), which jose4j reads.
        String payload = token.substring(token.indexOf('.') + 1, last);
        String cut = payload.length() % 4 == 0
                ? payload + "A"
                : payload.substring(0, payload.length() - payload.length() % 4 + 1);
        rejected(header + "." + cut + token.substring(last), "Bad token; invalid JSON");
        String signature = token.substring(last + 1);
        String longer = signature.length() % 4 == 0
                ? signature + "A"
                : signature.substring(0, signature.length() - signature.length() % 4 + 1);
        rejected(token.substring(0, last + 1) + longer, "Bad token; invalid signature");
    }

    // Helper review 135: Kong 3.9 decodes only HS secrets under secret_is_base64 (Kong/kong#13717);
    // a public key's PEM is read as it is (review 87 had copied 3.8's decoding of either).
    @Test
    void secretIsBase64LeavesAPublicKeyCredentialsPemAlone() throws Exception {
        JwtSchema.Config base64 = new JwtSchema.Config(
                "kid", true, true, 0, List.of("jwt"), List.of(), List.of("authorization"), true, null, true);
        KongJwtVerifier.Result r = KongJwtVerifier.verify(
                rs256(claims("mobile-rsa", NOW + 60)), base64, Credentials.of(gateway, true), NOW);
        assertInstanceOf(KongJwtVerifier.Verified.class, r, String.valueOf(r));
    }

    // Helper review 87: an SSO token's consumer claim maps onto a consumer by username only, never
    // by an id or custom id a provider's user might be given.
    @Test
    void anSsoConsumerClaimNamesAUsernameOnly() {
        assertEquals("web-frontend", credentials.consumer("web-frontend").username());
        assertNull(credentials.consumer("wf"), "a custom id");
        assertNull(
                credentials.consumer(
                        gateway.consumers().get(0).id() == null
                                ? credentials.consumer("web-frontend").id()
                                : gateway.consumers().get(0).id()),
                "an id");
    }

    // Helper review 101: Kong's claims are any JSON number (type(claim) == "number"); jose4j's
    // NumericDate cut a fraction off and refused a value beyond a long ("must be a number").
    @Test
    void expAndNbfAreAnyNumberAsInKong() throws Exception {
        assertInstanceOf(
                KongJwtVerifier.Verified.class,
                verify(hs256(
                        SHORT_SECRET,
                        "{\"kid\":\"web-frontend-key\",\"exp\":100000000000000000000,\"nbf\":" + (NOW - 10) + "}")),
                "far in the future, not malformed");
        assertInstanceOf(
                KongJwtVerifier.Verified.class,
                verify(hs256(
                        SHORT_SECRET,
                        "{\"kid\":\"web-frontend-key\",\"exp\":" + NOW + ".5,\"nbf\":" + (NOW - 10) + "}")),
                "half a second left: not expired");
        rejected(
                hs256(SHORT_SECRET, "{\"kid\":\"web-frontend-key\",\"exp\":" + (NOW + 60) + ",\"nbf\":" + NOW + ".5}"),
                "token not valid yet");
    }

    // Helper review 191: Kong loads rsa_public_key with OpenSSL's pkey.new, which takes a PKCS#8
    // private key too (its public half verifies); such a file was refused here.
    @Test
    void aPrivateKeyPemAsRsaPublicKeyVerifiesWithItsPublicHalf() throws Exception {
        String privatePem = "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(rsa.getPrivateKey().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        assertVerifiesWith(privatePem);
    }

    // Helper review 291: OpenSSL's pkey.new loads PKCS#1 keys (BEGIN RSA PUBLIC KEY, BEGIN RSA
    // PRIVATE KEY) for Kong; the file was refused here.
    @Test
    void pkcs1RsaKeysLoadAndVerify() throws Exception {
        byte[] spki = rsa.getPublicKey().getEncoded();
        byte[] pkcs1Public = lastContent(spki);
        byte[] pkcs1Private = lastContent(rsa.getPrivateKey().getEncoded());
        for (String pem : List.of(
                pem("RSA PUBLIC KEY", java.util.Arrays.copyOfRange(pkcs1Public, 1, pkcs1Public.length)),
                pem("RSA PRIVATE KEY", pkcs1Private))) {
            assertVerifiesWith(pem);
        }
        assertEquals(
                java.util.HexFormat.of().formatHex(spki),
                java.util.HexFormat.of()
                        .formatHex(com.gitinsight.gateway.config.PublicKeys.rsa(pem(
                                        "RSA PUBLIC KEY",
                                        java.util.Arrays.copyOfRange(pkcs1Public, 1, pkcs1Public.length)))
                                .getEncoded()));
    }

    // Attacker review 292: a character that is no base64 inside the markers is refused, as OpenSSL
    // refuses it (the MIME decoder skipped it).
    @Test
    void aPkcs1KeyWithForeignCharactersIsRefused() {
        byte[] pkcs1 = lastContent(rsa.getPublicKey().getEncoded());
        String good = pem("RSA PUBLIC KEY", java.util.Arrays.copyOfRange(pkcs1, 1, pkcs1.length));
        String bad = good.replaceFirst("\n", "\n*");
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> com.gitinsight.gateway.config.PublicKeys.rsa(bad));
    }

    /** An RS256 token of credential mobile-rsa verifies when the file gives {@code pem} as its rsa_public_key. */
    private void assertVerifiesWith(String pem) throws Exception {
        GatewayConfig file = new KongConfigParser(PluginRegistry.builtIn())
                .parse("t.yml", """
                _format_version: "3.0"
                consumers:
                  - username: mobile-app
                    jwt_secrets:
                      - key: mobile-rsa
                        algorithm: RS256
                        rsa_public_key: |
                %s
                """.formatted(pem.indent(10).stripTrailing()));
        KongJwtVerifier.Result r =
                KongJwtVerifier.verify(rs256(claims("mobile-rsa", NOW + 60)), config, Credentials.of(file, false), NOW);
        assertTrue(r instanceof KongJwtVerifier.Verified, pem + r);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** The content of the last element of a DER SEQUENCE (X.509's BIT STRING, PKCS#8's OCTET STRING). */
    private static byte[] lastContent(byte[] der) {
        int[] outer = header(der, 0);
        int at = outer[0];
        int[] last = null;
        while (at < der.length) {
            last = header(der, at);
            at = last[0] + last[1];
        }
        return java.util.Arrays.copyOfRange(der, last[0], last[0] + last[1]);
    }

    /** {content start, content length} of the element at {@code at}. */
    private static int[] header(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        if (first < 0x80) {
            return new int[] {at + 2, first};
        }
        int n = first & 0x7f;
        int length = 0;
        for (int i = 0; i < n; i++) {
            length = length << 8 | der[at + 2 + i] & 0xff;
        }
        return new int[] {at + 2 + n, length};
    }
}
