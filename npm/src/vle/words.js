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
