// Words of the extension's block and warning page, by band group like the npm package's
// `vle/words.js` (young = EYFS/KS1, junior = KS2, teen = KS3+ and staff). Help-route names,
// numbers and the "tell a trusted adult" sentences come from the package (words.js CONTACT,
// SCHOOL_ROUTE, SUPPORT and the classifier's help-route data), so they read the same in the
// VLE and in the browser. Candidates to move into the package's words.js once reviewed.
//
// Same rules: short sentences, kind, never shaming, say what to do next, never repeat the
// harmful words or the full address back to the child.

/** Headings, buttons and status lines of the page. */
export const PAGE = {
  young: {
    blockHeading: 'This page is not for you',
    warnHeading: 'Wait a moment',
    notTrouble: 'You are not in trouble.',
    warnAsk: 'Do you still want to look? A grown-up can help you decide.',
    back: 'Go back',
    continue: 'Keep going',
    mistake: 'I think this is a mistake',
    mistakeSent: 'Thank you. Your school will check this page.',
    mistakeFailed: 'Sorry, that did not work. Please tell a grown-up.',
    adult: 'Tell a grown-up',
    adultHeading: 'Tell a grown-up you trust',
    helpHeading: 'These people can help you',
    site: 'Website',
  },
  junior: {
    blockHeading: 'This page is blocked',
    warnHeading: 'Are you sure?',
    notTrouble: 'You\u2019re not in trouble \u2014 this helps keep you safe online.',
    warnAsk: 'You can go back, or carry on if you\u2019re sure it\u2019s OK. Your school may look at this later.',
    back: 'Go back',
    continue: 'Continue',
    mistake: 'I think this is a mistake',
    mistakeSent: 'Thank you. We\u2019ve asked your school to check this page.',
    mistakeFailed: 'Sorry, that didn\u2019t work. Please tell a teacher.',
    adult: 'Tell a trusted adult',
    adultHeading: 'Tell an adult you trust',
    helpHeading: 'Who can help',
    site: 'Website',
  },
  teen: {
    blockHeading: 'This site is blocked',
    warnHeading: 'Check before you carry on',
    notTrouble: 'You\u2019re not in trouble. Your school filters some sites to keep everyone safe.',
    warnAsk: 'You can go back, or continue if you need this page. Continuing is recorded for your school.',
    back: 'Go back',
    continue: 'Continue to the site',
    mistake: 'I think this is a mistake',
    mistakeSent: 'Thanks. Your request has been recorded for your school to review.',
    mistakeFailed: 'Sorry, that didn\u2019t work. Please tell a teacher.',
    adult: 'Tell a trusted adult',
    adultHeading: 'Talk to someone you trust',
    helpHeading: 'Who can help',
    site: 'Site',
  },
};

/** Why a site is blocked or warned, per URL category (and search-term category). */
export const REASON = {
  adult: {
    young: 'This page has grown-up things on it that are not for children.',
    junior: 'This website has grown-up content that isn\u2019t meant for children.',
    teen: 'This site has adult or sexual content.',
  },
  sexual: {
    young: 'This page has grown-up things on it that are not for children.',
    junior: 'This search could show grown-up content that isn\u2019t meant for children.',
    teen: 'This search could lead to adult or sexual content.',
  },
  gambling: {
    young: 'This page is about betting money, which is only for grown-ups.',
    junior: 'This website is about gambling, which is for adults only.',
    teen: 'This site is for gambling, which is 18+.',
  },
  dating: {
    young: 'This page is only for grown-ups.',
    junior: 'This is a dating website, which is for adults only.',
    teen: 'This is a dating site, which is 18+.',
  },
  social_media: {
    young: 'This website is for older people.',
    junior: 'This website is for older children and adults. Most social media is for people aged 13 and over.',
    teen: 'This social media site isn\u2019t allowed for your age or at your school.',
  },
  gaming: {
    young: 'Games like this are not for school time.',
    junior: 'Game websites like this one are blocked on your school device.',
    teen: 'Gaming sites are blocked on your school device.',
  },
  chat: {
    young: 'On this page you could talk to people you don\u2019t know.',
    junior: 'On this website you could chat with strangers, which isn\u2019t safe.',
    teen: 'Random and anonymous chat sites put you in touch with strangers and aren\u2019t safe.',
  },
  drugs: {
    young: 'This page is about things that are not safe for children.',
    junior: 'This website is about drugs, which can be dangerous.',
    teen: 'This site is about buying or using drugs.',
  },
  violence: {
    young: 'This page has things that could be scary.',
    junior: 'This website has violent or scary things on it, like weapons or people getting hurt.',
    teen: 'This site has violent content, weapons or gore.',
  },
  extremism: {
    young: 'This page has things that could be scary or hurtful.',
    junior: 'This website is linked to groups that want to hurt people.',
    teen: 'This site has extremist or terrorist content.',
  },
  discrimination: {
    young: 'This page says unkind things about people because of who they are.',
    junior: 'This website has hateful things about people because of who they are.',
    teen: 'This site has hateful content targeting people for who they are.',
  },
  self_harm: {
    young: 'This page is not safe for you.',
    junior: 'This website has things on it that aren\u2019t safe and could make you feel worse.',
    teen: 'This site has content about self-harm or suicide that could hurt you.',
  },
  bullying: {
    young: 'This might be unkind to someone.',
    junior: 'This search could find things that hurt people\u2019s feelings.',
    teen: 'This search could lead to bullying or hurtful content.',
  },
  malware: {
    young: 'This page could harm your computer.',
    junior: 'This website could trick you or harm your device.',
    teen: 'This site may be a scam, phishing or malware.',
  },
  piracy: {
    young: 'This page shares things without asking.',
    junior: 'This website shares films, music or games without permission.',
    teen: 'This site shares copyrighted films, music or games illegally.',
  },
  proxy: {
    young: 'This page is not allowed on your school computer.',
    junior: 'This website is used to get around your school\u2019s safety settings.',
    teen: 'This site (a proxy or VPN) is used to get around your school\u2019s filtering.',
  },
  illegal: {
    young: 'This page is not allowed.',
    junior: 'This website has been reported as harmful and is blocked for everyone.',
    teen: 'This address is on a list of illegal content and is blocked for everyone.',
  },
  personal_info: {
    young: 'This might share private things.',
    junior: 'This could share private information.',
    teen: 'This could share personal details.',
  },
  search: {
    young: 'Some of those search words are not for children.',
    junior: 'Some of the words you searched for can lead to pages that aren\u2019t safe for you.',
    teen: 'Your search could lead to content that isn\u2019t allowed on your school device.',
  },
  search_engine: {
    young: 'This search website is not set up for children. Ask a grown-up to help you search.',
    junior: 'This search website can\u2019t be made safe for children, so your school uses other ones. Try another search.',
    teen: 'This search engine has no safe-search setting your school can switch on. Try another search engine.',
  },
  unavailable: {
    young: 'This page can\u2019t be checked right now.',
    junior: 'We can\u2019t check this page right now, so it\u2019s blocked for now.',
    teen: 'The safety check isn\u2019t working right now, so pages are blocked until it is.',
  },
  other: {
    young: 'This page is not for you.',
    junior: 'Your school has blocked this website.',
    teen: 'Your school has blocked this site.',
  },
};

/** Concerns shown with the package's kind SUPPORT wording (feeling low, self-harm). */
export const SUPPORT_CONCERNS = ['self_harm'];
