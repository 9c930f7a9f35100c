package com.gitinsight.gateway.security;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Kong's built-in bot list ({@code kong/plugins/bot-detection/rules.lua}), in Kong's order, searched
 * anywhere in the user agent, case-sensitive, as Kong's {@code ngx.re.find} does. Compiled once.
 *
 * <p>The first nine are Kong's expressions as written, but for two parts of the ninth written as
 * what they find: {@code \b\w*favicon\w*\b} as {@code favicon} and
 * {@code (?:[a-zA-Z]+-)?Googlebot} as {@code Googlebot} (each finds a match exactly where Kong's
 * does; Kong's took quadratic time, about 3 ms of a request thread for a 1 KiB user agent of
 * letters; helper review 199). Every rule reads {@code .}, {@code $} and {@code \b} as PCRE does
 * ({@link BotDetectionSchema#pcre}). The last three are Kong's without their
 * optional leading and trailing parts ({@link #KONGS_LAST_THREE}): those parts decide what a match
 * captures, never whether there is one, and with them Java's backtracking takes cubic time on a long
 * user agent (512 characters took 0.7 s, 8 KiB did not finish), which any client can send. The
 * ninth's {@code .*?} parts stay (linear per occurrence of their literal), so only the first {@value #SCANNED_CHARS} characters are searched: a bot names itself
 * near the start, and nginx's default header buffers (8 KiB) bound Kong's user agents too.
 */
final class KnownBots {

    private static final List<Pattern> RULES = Stream.of(
                    "(Pingdom.com_bot_version_)(\\d+)\\.(\\d+)",
                    "(facebookexternalhit)/(\\d+)\\.(\\d+)",
                    "Google.*/\\+/web/snippet",
                    "(Twitterbot)/(\\d+)\\.(\\d+)",
                    "/((?:Ant-)?Nutch|[A-z]+[Bb]ot|[A-z]+[Ss]pider|Axtaris|fetchurl|Isara|ShopSalad|Tailsweep)[ \\-](\\d+)(?:\\.(\\d+)(?:\\.(\\d+))?)?",
                    "(008|Altresium|Argus|BaiduMobaider|BoardReader|DNSGroup|DataparkSearch|EDI|Goodzer|Grub|INGRID|Infohelfer|LinkedInBot|LOOQ|Nutch|PathDefender|Peew|PostPost|Steeler|Twitterbot|VSE|WebCrunch|WebZIP|Y!J-BR[A-Z]|YahooSeeker|envolk|sproose|wminer)/(\\d+)(?:\\.(\\d+)(?:\\.(\\d+))?)?",
                    "(MSIE) (\\d+)\\.(\\d+)([a-z]\\d?)?;.* MSIECrawler",
                    "(Google-HTTP-Java-Client|Apache-HttpClient|http%20client|Python-urllib|HttpMonitor|TLSProber|WinHTTP|JNLP)(?:[ /](\\d+)(?:\\.(\\d+)(?:\\.(\\d+))?)?)?",
                    "(1470\\.net crawler|50\\.nu|8bo Crawler Bot|Aboundex|Accoona-[A-z]+-Agent|AdsBot-Google(?:-[a-z]+)?|altavista|AppEngine-Google|archive.*?\\.org_bot|archiver|Ask Jeeves|[Bb]ai[Dd]u[Ss]pider(?:-[A-Za-z]+)*|bingbot|BingPreview|blitzbot|BlogBridge|BoardReader(?: [A-Za-z]+)*|boitho.com-dc|BotSeer|favicon|\\bYeti(?:-[a-z]+)?|Catchpoint bot|[Cc]harlotte|Checklinks|clumboot|Comodo HTTP\\(S\\) Crawler|Comodo-Webinspector-Crawler|ConveraCrawler|CRAWL-E|CrawlConvera|Daumoa(?:-feedfetcher)?|Feed Seeker Bot|findlinks|Flamingo_SearchEngine|FollowSite Bot|furlbot|Genieo|gigabot|GomezAgent|gonzo1|Googlebot(?:-[a-zA-Z]+)?|Google SketchUp|grub-client|gsa-crawler|heritrix|HiddenMarket|holmes|HooWWWer|htdig|ia_archiver|ICC-Crawler|Icarus6j|ichiro(?:/mobile)?|IconSurf|IlTrovatore(?:-Setaccio)?|InfuzApp|Innovazion Crawler|InternetArchive|IP2[a-z]+Bot|jbot\\b|KaloogaBot|Kraken|Kurzor|larbin|LEIA|LesnikBot|Linguee Bot|LinkAider|LinkedInBot|Lite Bot|Llaut|lycos|Mail\\.RU_Bot|masidani_bot|Mediapartners-Google|Microsoft .*? Bot|mogimogi|mozDex|MJ12bot|msnbot(?:-media *)?|msrbot|netresearch|Netvibes|NewsGator[^/]*|^NING|Nutch[^/]*|Nymesis|ObjectsSearch|Orbiter|OOZBOT|PagePeeker|PagesInventory|PaxleFramework|Peeplo Screenshot Bot|PlantyNet_WebRobot|Pompos|Read%20Later|Reaper|RedCarpet|Retreiver|Riddler|Rival IQ|scooter|Scrapy|Scrubby|searchsight|seekbot|semanticdiscovery|Simpy|SimplePie|SEOstats|SimpleRSS|SiteCon|Slurp|snappy|Speedy Spider|Squrl Java|TheUsefulbot|ThumbShotsBot|Thumbshots\\.ru|TwitterBot|URL2PNG|Vagabondo|VoilaBot|^vortex|Votay bot|^voyager|WASALive.Bot|Web-sniffer|WebThumb|WeSEE:[A-z]+|WhatWeb|WIRE|WordPress|Wotbox|www\\.almaden\\.ibm\\.com|Xenu(?:.s)? Link Sleuth|Xerka [A-z]+Bot|yacy(?:bot)?|Yahoo[a-z]*Seeker|Yahoo! Slurp|Yandex\\w+|YodaoBot(?:-[A-z]+)?|YottaaMonitor|Yowedo|^Zao|^Zao-Crawler|ZeBot_www\\.ze\\.bz|ZooShot|ZyBorg)(?:[ /]v?(\\d+)(?:\\.(\\d+)(?:\\.(\\d+))?)?)?",
                    "(?:[Aa]rchiver|[Ii]ndexer|[Ss]craper|[Bb]ot|[Ss]pider|[Cc]rawl[a-z]*)/(\\d+)",
                    "(?:[Aa]rchiver|[Ii]ndexer|[Ss]craper|[Bb]ot|[Ss]pider|[Cc]rawl[a-z]*) (\\d+)",
                    "[Ss][Pp][Ii][Dd][Ee][Rr]|[Ss]crape|[^C][^Uu][Bb]ot|[Cc][Rr][Aa][Ww][Ll]")
            .map(BotDetectionSchema::pcre)
            .toList();

    /** Kong's own last three, kept to show (and test) that the ones used find the same agents. */
    static final List<String> KONGS_LAST_THREE = List.of(
            "(?:\\/[A-Za-z0-9\\.]+)? *([A-Za-z0-9 \\-_\\!\\[\\]:]*(?:[Aa]rchiver|[Ii]ndexer|[Ss]craper|[Bb]ot|[Ss]pider|[Cc]rawl[a-z]*))/(\\d+)(?:\\.(\\d+)(?:\\.(\\d+))?)?",
            "(?:\\/[A-Za-z0-9\\.]+)? *([A-Za-z0-9 _\\!\\[\\]:]*(?:[Aa]rchiver|[Ii]ndexer|[Ss]craper|[Bb]ot|[Ss]pider|[Cc]rawl[a-z]*)) (\\d+)(?:\\.(\\d+)(?:\\.(\\d+))?)?",
            "((?:[A-z0-9]+|[A-z\\-]+ ?)?(?: the )?(?:[Ss][Pp][Ii][Dd][Ee][Rr]|[Ss]crape|[A-Za-z0-9-]*(?:[^C][^Uu])[Bb]ot|[Cc][Rr][Aa][Ww][Ll])[A-z0-9]*)(?:(?:[ /]| v)(\\d+)(?:\\.(\\d+)(?:\\.(\\d+))?)?)?");

    private KnownBots() {}

    static final int SCANNED_CHARS = 1024;

    static boolean matches(String userAgent) {
        String agent = userAgent.length() > SCANNED_CHARS ? userAgent.substring(0, SCANNED_CHARS) : userAgent;
        for (Pattern rule : RULES) {
            if (rule.matcher(agent).find()) {
                return true;
            }
        }
        return false;
    }

    /** The expressions in use, the last three as written here. */
    static List<Pattern> rules() {
        return RULES;
    }
}
