// Every word a pupil (or teacher) reads in the VLE helpers lives here, so that a DSL, a
// teacher or a children's charity can review and change the wording in one place without
// touching code. Nothing else in src/vle/ holds child-facing sentences.
//
// Words are grouped by "band group" rather than by every age band: children of 3–7 need
// very short, concrete sentences ("a grown-up"); 7–11-year-olds can read a reason and a
// next step; secondary pupils get the fuller reason and the name of the service. Staff read
// the secondary wording.
//
// Rules for writing here: short sentences, kind, never shaming ("you're not in trouble"),
// say what to do next, and don't repeat the harmful words back at the child. The help
// routes themselves (names, numbers, links) are NOT here: they come from the classifier's
// data (`helpRoutes()` / `verdict.help`), which records where each contact was checked.

/** @typedef {import('./index.js').BandGroup} BandGroup */

/**
 * Which wording group an age band reads.
 * @param {string | undefined} band
 * @returns {BandGroup}
 */
export function bandGroup(band) {
  if (band === 'eyfs' || band === 'ks1') return 'young';
  if (band === 'ks2' || band === undefined || band === '') return 'junior';
  return 'teen';
}

/**
 * Why a message may be a problem (`why`) and what to do instead (`instead`), per text
 * category and band group. Shown to the pupil who is typing the message.
 */
export const NUDGE = {
  bullying: {
    young: { why: 'This might make someone feel sad.', instead: 'Try using kind words. If someone upset you, tell a grown-up.' },
    junior: { why: 'This message could hurt someone\u2019s feelings.', instead: 'Could you say it in a kinder way? If someone has upset you, tell an adult you trust.' },
    teen: { why: 'This could come across as bullying and really hurt someone.', instead: 'Try rewording it. If you\u2019re in a fall-out, talking to someone you trust can help.' },
  },
  sexual: {
    young: { why: 'These words are not for sharing here.', instead: 'Please change your message. If someone asked you to write this, tell a grown-up.' },
    junior: { why: 'This message talks about private, grown-up things.', instead: 'Please take it out. If someone asked you for pictures or private things, tell an adult you trust.' },
    teen: { why: 'This message is sexual. Sending it could hurt you or someone else, and some pictures are illegal to share.', instead: 'Please take it out. If someone is pressuring you, you can report it to CEOP or tell someone you trust.' },
  },
  grooming: {
    young: { why: 'Secrets that feel worrying are not OK.', instead: 'Tell a grown-up you trust. You won\u2019t be in trouble.' },
    junior: { why: 'This is about keeping secrets, being alone or meeting up, which isn\u2019t safe online.', instead: 'Don\u2019t keep worrying secrets. If someone online asked you this, tell an adult you trust or report it to CEOP.' },
    teen: { why: 'This asks about secrets, being alone or meeting up \u2014 the kind of thing that can put someone at risk.', instead: 'If someone has asked you this, you can report it to CEOP. You don\u2019t have to meet anyone or keep it secret.' },
  },
  self_harm: {
    young: { why: 'It sounds like you might be feeling sad.', instead: 'Tell a grown-up you trust how you feel.' },
    junior: { why: 'It sounds like things might be really hard right now.', instead: 'You can talk to an adult you trust or to Childline at any time.' },
    teen: { why: 'It sounds like you might be going through a lot.', instead: 'Talking can help. The people below are there for you, any time.' },
  },
  extremism: {
    young: { why: 'These words can be scary or hurtful.', instead: 'Please change your message. If you saw this somewhere, tell a grown-up.' },
    junior: { why: 'This message has words linked to groups that want to hurt people.', instead: 'Please take it out. If you saw this online, tell an adult you trust.' },
    teen: { why: 'This message includes extremist content, which can spread hate or support violence.', instead: 'Please take it out. If you\u2019ve seen content like this online, you can report it to ACT or tell someone you trust.' },
  },
  discrimination: {
    young: { why: 'These words can hurt people because of who they are.', instead: 'Everyone is welcome. Try kind words.' },
    junior: { why: 'This message could hurt people because of who they are, like their skin colour, religion or disability.', instead: 'Please change it. Everyone deserves respect.' },
    teen: { why: 'This message could be hateful towards people because of who they are.', instead: 'Please reword it. If you\u2019ve been targeted by hate, you can report it to True Vision.' },
  },
  drugs: {
    young: { why: 'This talks about things that are not safe for children.', instead: 'Please change your message. Ask a grown-up if you have questions.' },
    junior: { why: 'This message talks about drugs, which can be dangerous.', instead: 'Please change it. If you\u2019re worried about drugs, talk to an adult you trust.' },
    teen: { why: 'This message is about buying, selling or using drugs.', instead: 'Please rethink it. FRANK gives honest, private advice about drugs.' },
  },
  violence: {
    young: { why: 'This talks about hurting someone.', instead: 'Use kind words. If you feel angry or scared, tell a grown-up.' },
    junior: { why: 'This message talks about hurting someone or about weapons.', instead: 'Please change it. If you feel angry or scared, talk to an adult you trust.' },
    teen: { why: 'This could read as a threat or be about hurting someone.', instead: 'Please reword it \u2014 threats are taken seriously. If you\u2019re scared or angry, talk to someone you trust.' },
  },
  gambling: {
    young: { why: 'This is about betting money, which is only for grown-ups.', instead: 'Please change your message.' },
    junior: { why: 'This message is about gambling, which is for adults only.', instead: 'Please change it. If betting or loot boxes worry you, talk to an adult you trust.' },
    teen: { why: 'This message is about gambling, which is 18+.', instead: 'If gambling or loot boxes are worrying you, GamCare can help.' },
  },
  personal_info: {
    young: { why: 'This tells people private things about you.', instead: 'Keep your home, phone number and school private.' },
    junior: { why: 'This shares private information, like a phone number or address.', instead: 'Keep it private. Only share it with people you know in real life, and ask an adult first.' },
    teen: { why: 'This shares personal details (like a number, address or location) that strangers could use.', instead: 'Think about who could see it. Share it privately with people you know, or leave it out.' },
  },
  profanity: {
    young: { why: 'That word isn\u2019t kind to use here.', instead: 'Try a different word.' },
    junior: { why: 'That word might upset people.', instead: 'Try a different word.' },
    teen: { why: 'This message has swearing in it.', instead: 'Think about rewording it, especially in class.' },
  },
};

/** Fallback when a category has no entry above (a new category added to the core). */
export const NUDGE_FALLBACK = {
  young: { why: 'This message might not be OK to send.', instead: 'Please check it, or ask a grown-up.' },
  junior: { why: 'This message might upset someone or not be safe.', instead: 'Please check it before you send it.' },
  teen: { why: 'This message might upset someone or not be safe to share.', instead: 'Please check it before you send it.' },
};

/**
 * Support wording: shown (never as "wrong") when a pupil asks for help or tells us they
 * are struggling. `topics` adds one kind sentence per concern the message describes.
 */
export const SUPPORT = {
  young: {
    heading: 'We\u2019re here to help',
    body: 'Thank you for saying how you feel. You\u2019re not in trouble.',
    next: 'Tell a grown-up you trust. These people can help too:',
  },
  junior: {
    heading: 'You\u2019re not on your own',
    body: 'Thank you for telling us. You\u2019re not in trouble, and you don\u2019t have to cope alone.',
    next: 'You can talk to an adult you trust, or to these people at any time:',
  },
  teen: {
    heading: 'You\u2019re not on your own',
    body: 'Asking for help is a strong thing to do. You\u2019re not in trouble.',
    next: 'These people are there for you, day or night:',
  },
};

/** Headings and buttons of the nudge next to the message box. */
export const GUARD_UI = {
  young: {
    warnHeading: 'Wait a moment',
    blockHeading: 'Please change your message',
    blockAsk: 'Can you change your message before you send it?',
    helpHeading: 'Who can help you',
    edit: 'Change my message',
    sendAnyway: 'Send anyway',
    close: 'Close',
  },
  junior: {
    warnHeading: 'Before you send\u2026',
    blockHeading: 'Please change your message',
    blockAsk: 'This message can\u2019t be sent as it is. You can change it and try again.',
    helpHeading: 'Who can help',
    edit: 'Change my message',
    sendAnyway: 'Send anyway',
    close: 'Close',
  },
  teen: {
    warnHeading: 'Before you send\u2026',
    blockHeading: 'Please change your message',
    blockAsk: 'This message can\u2019t be sent as it is. You can edit it and try again.',
    helpHeading: 'Who can help',
    edit: 'Edit my message',
    sendAnyway: 'Send anyway',
    close: 'Close',
  },
};

/** How a help route's contact details are read out (`{x}` is replaced). */
export const CONTACT = {
  call: 'Call {phone}',
  text: 'Text {sms}',
  shoutText: 'Text SHOUT to {sms}',
  visit: 'Go to {name}',
  newTab: '(opens in a new tab)',
  schoolTell: 'Tell a teacher or another adult you trust at school.',
  schoolTellNamed: 'Tell a teacher or another adult you trust at {school}.',
  schoolContact: 'You can also talk to {dsl}.',
};

/**
 * The "Report a worry" dialog. `choices` lists the concerns a pupil can pick, in order,
 * per band group; ids are the concern ids sent in a report (see report.js and routes.js).
 */
export const REPORT = {
  young: {
    button: 'I\u2019m worried',
    title: 'Tell someone you\u2019re worried',
    intro: 'You did the right thing. What happened?',
    danger: 'In danger right now? Call',
    helpHeading: 'These people can help you',
    back: 'Back',
    close: 'Close',
  },
  junior: {
    button: 'Report a worry',
    title: 'Report a worry',
    intro: 'You did the right thing by telling someone. What happened? Pick the one that fits best.',
    danger: 'If you are in danger right now, call',
    helpHeading: 'Here\u2019s who can help',
    back: 'Back',
    close: 'Close',
  },
  teen: {
    button: 'Report a worry',
    title: 'Report a worry',
    intro: 'You did the right thing by reaching out. What happened? Choose the one closest to it.',
    danger: 'If you or someone else is in danger right now, call',
    helpHeading: 'Here\u2019s who can help',
    back: 'Back',
    close: 'Close',
  },
};

/** The concern choices in the report dialog, per band group, in display order. */
export const REPORT_CHOICES = {
  young: [
    ['grooming', 'Someone online asked me for pictures, to meet, or to keep a secret'],
    ['bullying', 'Someone is being unkind to me'],
    ['self_harm', 'I feel very sad or I want to hurt myself'],
    ['abuse_images', 'I saw pictures of a child being hurt'],
    ['discrimination', 'Someone is being mean about who people are'],
    ['other', 'Something else worried me'],
  ],
  junior: [
    ['grooming', 'Someone online asked me for pictures, to meet up, or to keep a secret'],
    ['bullying', 'Someone is being unkind to me or bullying me'],
    ['self_harm', 'I feel low, or I want to hurt myself'],
    ['abuse_images', 'I saw pictures or videos of a child being hurt or abused'],
    ['own_image', 'A private picture of me has been shared'],
    ['extremism', 'I saw something that says people should hurt others for a cause'],
    ['discrimination', 'Someone is being hateful about people\u2019s race, religion, disability or who they are'],
    ['drugs', 'Something about drugs is worrying me'],
    ['other', 'Something else worried me'],
  ],
  teen: [
    ['grooming', 'Someone online asked me for pictures, to meet up, or to keep a secret'],
    ['bullying', 'Someone is bullying, threatening or harassing me'],
    ['self_harm', 'I feel low, or I want to hurt myself'],
    ['abuse_images', 'I saw sexual pictures or videos of a child'],
    ['own_image', 'A nude or private picture of me has been shared'],
    ['extremism', 'I saw terrorist or extremist content, or someone is trying to draw me in'],
    ['discrimination', 'Someone is targeting people because of their race, religion, sexuality, gender identity or disability'],
    ['drugs', 'Something about drugs is worrying me'],
    ['other', 'Something else worried me'],
  ],
};

/** One kind sentence shown above the routes for each concern (all band groups). */
export const REPORT_ROUTE_INTRO = {
  grooming: 'This is not your fault. CEOP helps keep children safe from people who ask for pictures, secrets or to meet.',
  bullying: 'Nobody deserves to be treated like this. Telling an adult at school is the best first step.',
  self_harm: 'Thank you for telling us. You\u2019re not in trouble, and you don\u2019t have to cope alone.',
  abuse_images: 'You did the right thing. You can report it without giving your name. Don\u2019t share it with anyone.',
  own_image: 'This is not your fault. Report Remove can help get the picture taken down.',
  extremism: 'You did the right thing. You can report it, and talk to an adult at school.',
  discrimination: 'Hate because of who someone is is never OK. You can report it.',
  drugs: 'You can get honest, private advice, and talk to an adult at school.',
  other: 'Whatever it is, an adult you trust can help.',
};

/** The optional "tell your school" part of the dialog (only when an endpoint is set). */
export const REPORT_SEND = {
  heading: 'Tell your school (you don\u2019t have to)',
  label: 'You can write what happened, if you want to:',
  privacy: 'This doesn\u2019t send your name. If you want your school to know it\u2019s you, write your name too.',
  send: 'Send to my school',
  sending: 'Sending\u2026',
  sent: 'Thank you. Your worry has been sent to your school. You did the right thing.',
  failed: 'Sorry, it didn\u2019t send. Please tell a teacher or an adult you trust.',
};

/** What the school route is called in the dialog, per concern where it differs. */
export const SCHOOL_ROUTE = {
  name: 'A trusted adult at school',
  nameNamed: 'A trusted adult at {school}',
  extremism: 'Your school\u2019s Prevent lead, or any adult you trust at school.',
};

/** Staff-facing labels for the teacher view (badges on messages). */
export const STAFF = {
  severity: { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' },
  category: {
    bullying: 'bullying',
    sexual: 'sexual',
    grooming: 'grooming',
    self_harm: 'self-harm',
    extremism: 'extremism',
    discrimination: 'discrimination',
    drugs: 'drugs',
    violence: 'violence',
    gambling: 'gambling',
    personal_info: 'personal info',
    profanity: 'swearing',
  },
  helpSeeking: 'asking for help',
  /** `{severity}` and `{categories}` are replaced. */
  title: 'esafety: {severity} \u2014 {categories}',
  markTitle: '{category} ({severity})',
};

/**
 * Fills `{name}` placeholders.
 * @param {string} template
 * @param {Record<string, string>} values
 */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (all, k) => (k in values ? values[k] : all));
}

// ---- The block and warning page (the Chrome extension's, and any VLE's that filters links) --
// What a pupil reads when a site is blocked or needs a second thought: the headings and
// buttons (BLOCK_PAGE) and the reason per URL or search-term category (BLOCK_REASON), by band
// group. Never the harmful words or the full address back to the child; help routes come
// from the classifier's data as everywhere else.

/** Headings, buttons and status lines of the block and warning page. */
export const BLOCK_PAGE = {
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
export const BLOCK_REASON = {
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
export const BLOCK_SUPPORT_CONCERNS = ['self_harm'];
