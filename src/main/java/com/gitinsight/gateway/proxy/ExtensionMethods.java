package com.gitinsight.gateway.proxy;

import jakarta.ws.rs.HttpMethod;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Methods beyond JAX-RS's seven that nginx (and so Kong) proxies as any other: WebDAV's and
 * CalDAV's, cache purges, RFC 2068's LINK/UNLINK and the QUERY draft. JAX-RS dispatches a method
 * only to a resource method annotated with it, so each has its annotation here.
 */
final class ExtensionMethods {

    private ExtensionMethods() {}

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("PURGE")
    @interface PURGE {}

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("PROPFIND")
    @interface PROPFIND {}

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("PROPPATCH")
    @interface PROPPATCH {}

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("MKCOL")
    @interface MKCOL {}

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("COPY")
    @interface COPY {}

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("MOVE")
    @interface MOVE {}

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("LOCK")
    @interface LOCK {}

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("UNLOCK")
    @interface UNLOCK {}

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("REPORT")
    @interface REPORT {}

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("SEARCH")
    @interface SEARCH {}

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("MKCALENDAR")
    @interface MKCALENDAR {}

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("LINK")
    @interface LINK {}

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("UNLINK")
    @interface UNLINK {}

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("QUERY")
    @interface QUERY {}
}
