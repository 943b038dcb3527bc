//! The shared vocabulary of esafety: categories, severities, age bands, actions and
//! alert levels, exactly as `TAXONOMY.md` fixes them.
//!
//! These identifiers are the product's contract with schools: they appear in CLI
//! output, the npm API, the extension's policy schema and incident records. Every
//! enum here parses from and prints as its stable lower-case identifier, so the
//! data files, the JSON output and the docs can never drift apart.
//!
//! The crate has no dependencies (serde is optional) so that both the run-time core
//! and the build-time lexicon compiler share one definition.
#![forbid(unsafe_code)]
#![no_std]

use core::fmt;
use core::str::FromStr;

/// An identifier that was not one of the known ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownId {
    /// What kind of identifier was expected (`"category"`, `"age band"`, …).
    pub kind: &'static str,
}

impl fmt::Display for UnknownId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {}", self.kind)
    }
}

/// Declares a fieldless enum with a stable string id per variant, `ALL`, `as_str`,
/// `Display`, `FromStr` and (optionally) serde support through those ids.
macro_rules! id_enum {
    ($(#[$m:meta])* $name:ident, $kind:literal, { $($(#[$vm:meta])* $var:ident = $id:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vm])* $var),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The stable identifier used in data files, JSON and policies.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$var => $id),+ }
            }

            /// Position in [`Self::ALL`]; handy for fixed-size tables.
            pub const fn index(self) -> usize { self as usize }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }

        impl FromStr for $name {
            type Err = UnknownId;
            fn from_str(s: &str) -> Result<Self, UnknownId> {
                match s { $($id => Ok($name::$var),)+ _ => Err(UnknownId { kind: $kind }) }
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

id_enum!(
    /// What a piece of text is about (chat, messages, search terms, page text).
    Category, "category", {
    /// Insults, exclusion, humiliation, "kys" aimed at someone, threats to expose.
    Bullying = "bullying",
    /// Sexual content and references, requests for sexual images between peers.
    Sexual = "sexual",
    /// Contact risk: secrecy, isolation, private apps, asking age / location / school,
    /// gifts for images, meeting requests.
    Grooming = "grooming",
    /// Suicide ideation, intent or plans, self-injury, eating-disorder promotion.
    SelfHarm = "self_harm",
    /// Terrorism, radicalisation, extremist slogans and codes, attack planning.
    Extremism = "extremism",
    /// Hate and slurs by race, religion, sex, sexuality, gender identity, disability, age.
    Discrimination = "discrimination",
    /// Buying, selling or using illegal drugs, substance misuse, vaping for under-18s.
    Drugs = "drugs",
    /// Threats, weapons, fighting, gore, harming others.
    Violence = "violence",
    /// Betting, casinos, loot-box gambling.
    Gambling = "gambling",
    /// Phone numbers, addresses, postcodes, email, school, passwords, handles, location.
    PersonalInfo = "personal_info",
    /// Swearing, graded mild to strong.
    Profanity = "profanity",
});

id_enum!(
    /// How serious a concern is. `Critical` means a child may be in immediate danger.
    Severity, "severity", {
    None = "none",
    Low = "low",
    Medium = "medium",
    High = "high",
    Critical = "critical",
});

impl Severity {
    /// One level up, saturating at `Critical` (used when signals combine).
    pub const fn escalate(self) -> Severity {
        match self {
            Severity::None => Severity::Low,
            Severity::Low => Severity::Medium,
            Severity::Medium => Severity::High,
            Severity::High | Severity::Critical => Severity::Critical,
        }
    }
}

id_enum!(
    /// UK school stages, plus adults. Ordered from youngest to oldest.
    AgeBand, "age band", {
    /// Early years foundation stage, ages 3–5.
    Eyfs = "eyfs",
    /// Key stage 1, ages 5–7.
    Ks1 = "ks1",
    /// Key stage 2, ages 7–11.
    Ks2 = "ks2",
    /// Key stage 3, ages 11–14.
    Ks3 = "ks3",
    /// Key stage 4, ages 14–16.
    Ks4 = "ks4",
    /// Key stage 5 (sixth form), ages 16–18.
    Ks5 = "ks5",
    /// Adults: teachers and other staff.
    Staff = "staff",
});

/// The oldest exact age accepted; anything above is treated as a typing error.
pub const MAX_AGE: u8 = 120;

impl AgeBand {
    /// The band a pupil of this exact age (in whole years) is in.
    ///
    /// Band edges follow the school year: a pupil who has turned 11 is in KS3, 18 and
    /// over is an adult. Ages under 3 count as EYFS. Returns `None` above [`MAX_AGE`].
    pub const fn for_age(age: u8) -> Option<AgeBand> {
        Some(match age {
            0..=4 => AgeBand::Eyfs,
            5..=6 => AgeBand::Ks1,
            7..=10 => AgeBand::Ks2,
            11..=13 => AgeBand::Ks3,
            14..=15 => AgeBand::Ks4,
            16..=17 => AgeBand::Ks5,
            18..=MAX_AGE => AgeBand::Staff,
            _ => return None,
        })
    }

    /// The youngest age in the band (used to compare with a site's minimum age when
    /// only the band is known: a KS3 pupil may be 11).
    pub const fn youngest_age(self) -> u8 {
        match self {
            AgeBand::Eyfs => 3,
            AgeBand::Ks1 => 5,
            AgeBand::Ks2 => 7,
            AgeBand::Ks3 => 11,
            AgeBand::Ks4 => 14,
            AgeBand::Ks5 => 16,
            AgeBand::Staff => 18,
        }
    }
}

id_enum!(
    /// What happens to the content.
    Action, "action", {
    /// Nothing to do.
    Allow = "allow",
    /// Explain and let the pupil go on; logged.
    Warn = "warn",
    /// Explain and stop; logged.
    Block = "block",
});

id_enum!(
    /// Whether and how urgently the Designated Safeguarding Lead is told.
    Alert, "alert level", {
    /// Not reported beyond the local incident log.
    None = "none",
    /// Listed in the DSL's weekly summary.
    Weekly = "weekly",
    /// Sent to the DSL at once (a child may be in danger).
    Urgent = "urgent",
});

id_enum!(
    /// What a web address is, from domain lists, path rules, hashed lists and heuristics.
    UrlCategory, "url category", {
    /// Pornography and other sexual content for adults.
    Adult = "adult",
    /// Betting, casinos, poker, lotteries, skin and loot-box gambling.
    Gambling = "gambling",
    /// Dating and hook-up services.
    Dating = "dating",
    /// Social networks and messaging services (most set a minimum age of 13).
    SocialMedia = "social_media",
    /// Games, game stores and game portals.
    Gaming = "gaming",
    /// Random or anonymous chat with strangers.
    Chat = "chat",
    /// Buying, selling or promoting illegal drugs.
    Drugs = "drugs",
    /// Violence, weapons and gore.
    Violence = "violence",
    /// Terrorism and violent extremism.
    Extremism = "extremism",
    /// Hate sites.
    Discrimination = "discrimination",
    /// Sites promoting suicide, self-injury or eating disorders (not help sites).
    SelfHarm = "self_harm",
    /// Malware, phishing, hacking tools and stalkerware.
    Malware = "malware",
    /// Copyright theft: torrents, illegal streaming, rippers.
    Piracy = "piracy",
    /// VPNs, web proxies, DNS-over-HTTPS and other ways round the filter.
    Proxy = "proxy",
    /// Search engines (SafeSearch is enforced; engines without it are blocked).
    Search = "search",
    /// Video sites and streaming services.
    Video = "video",
    /// Illegal content from hashed lists (such as the IWF URL list): always blocked.
    Illegal = "illegal",
    /// Learning: never blocked.
    Education = "education",
    /// Safeguarding and health help: never blocked.
    Help = "help",
});

impl UrlCategory {
    /// The categories that are never blocked (`education`, `help`), as a bit set.
    pub const ALLOW_BITS: u32 = UrlCategory::Education.bit() | UrlCategory::Help.bit();

    /// This category's bit in a category bit set (list packs store categories so).
    pub const fn bit(self) -> u32 {
        1 << self.index()
    }

    /// Allow categories: a site in one of these is never blocked by a category.
    pub const fn is_allow(self) -> bool {
        matches!(self, UrlCategory::Education | UrlCategory::Help)
    }

    /// The text category whose help routes fit a site of this category, if any.
    pub const fn concern(self) -> Option<Category> {
        Some(match self {
            UrlCategory::Adult | UrlCategory::Illegal => Category::Sexual,
            UrlCategory::Gambling => Category::Gambling,
            UrlCategory::Dating | UrlCategory::Chat => Category::Grooming,
            UrlCategory::Drugs => Category::Drugs,
            UrlCategory::Violence => Category::Violence,
            UrlCategory::Extremism => Category::Extremism,
            UrlCategory::Discrimination => Category::Discrimination,
            UrlCategory::SelfHarm => Category::SelfHarm,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(*c));
        }
        for b in AgeBand::ALL {
            assert_eq!(b.as_str().parse::<AgeBand>(), Ok(*b));
        }
        assert!("Bullying".parse::<Category>().is_err());
        assert_eq!(Category::ALL.len(), 11);
        for c in UrlCategory::ALL {
            assert_eq!(c.as_str().parse::<UrlCategory>(), Ok(*c));
        }
        assert_eq!(UrlCategory::ALL.len(), 19);
        assert!(UrlCategory::Help.is_allow() && !UrlCategory::Adult.is_allow());
        let allow: u32 = UrlCategory::ALL
            .iter()
            .filter(|c| c.is_allow())
            .map(|c| c.bit())
            .sum();
        assert_eq!(allow, UrlCategory::ALLOW_BITS);
    }

    #[test]
    fn ages_map_to_bands() {
        assert_eq!(AgeBand::for_age(2), Some(AgeBand::Eyfs));
        assert_eq!(AgeBand::for_age(5), Some(AgeBand::Ks1));
        assert_eq!(AgeBand::for_age(10), Some(AgeBand::Ks2));
        assert_eq!(AgeBand::for_age(11), Some(AgeBand::Ks3));
        assert_eq!(AgeBand::for_age(17), Some(AgeBand::Ks5));
        assert_eq!(AgeBand::for_age(18), Some(AgeBand::Staff));
        assert_eq!(AgeBand::for_age(121), None);
        for b in AgeBand::ALL {
            assert_eq!(AgeBand::for_age(b.youngest_age()), Some(*b));
        }
    }

    #[test]
    fn severity_orders_and_escalates() {
        assert!(Severity::Low < Severity::Critical);
        assert_eq!(Severity::High.escalate(), Severity::Critical);
        assert_eq!(Severity::Critical.escalate(), Severity::Critical);
    }
}
