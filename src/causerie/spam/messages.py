"""Reasons as short sentences in English, French and Arabic.

Every reason code has a sentence in each language (a test checks it); params
fill the ``{placeholders}``. Unknown languages fall back to English.
"""

from __future__ import annotations

from causerie.spam.explain import LANGUAGES, render
from causerie.spam.verdict import SpamReason

__all__ = ["CATALOG", "LANGUAGES", "reason_text"]

CATALOG: dict[str, dict[str, str]] = {
    "link_count": {
        "en": "{count} link(s) in the text",
        "fr": "{count} lien(s) dans le texte",
        "ar": "عدد الروابط في النص: {count}",
    },
    "link_any": {
        "en": "contains a link",
        "fr": "contient un lien",
        "ar": "يحتوي على رابط",
    },
    "link_shortener": {
        "en": "{count} link(s) to a URL shortener ({domain})",
        "fr": "{count} lien(s) vers un raccourcisseur d'URL ({domain})",
        "ar": "{count} رابط مختصر ({domain})",
    },
    "link_only": {
        "en": "the comment is little more than a link",
        "fr": "le commentaire n'est guère qu'un lien",
        "ar": "التعليق مجرد رابط تقريبًا",
    },
    "link_spammy_tld": {
        "en": "link to a domain often used by spam ({domain})",
        "fr": "lien vers un domaine souvent utilisé par le spam ({domain})",
        "ar": "رابط إلى نطاق يكثر استخدامه في الرسائل المزعجة ({domain})",
    },
    "phone": {
        "en": "contains a phone number",
        "fr": "contient un numéro de téléphone",
        "ar": "يحتوي على رقم هاتف",
    },
    "email": {
        "en": "contains an e-mail address",
        "fr": "contient une adresse e-mail",
        "ar": "يحتوي على عنوان بريد إلكتروني",
    },
    "email_offer": {
        "en": "offers money or a loan to readers who write to an e-mail address",
        "fr": "propose de l'argent ou un prêt à qui écrit à une adresse e-mail",
        "ar": "يعرض مالا أو قرضا لمن يراسل عنوان بريد إلكتروني",
    },
    "messaging": {
        "en": "asks to be contacted on a messaging app ({app})",
        "fr": "invite à un contact par messagerie ({app})",
        "ar": "يدعو إلى التواصل عبر تطبيق مراسلة ({app})",
    },
    "crypto_wallet": {
        "en": "contains a cryptocurrency wallet address",
        "fr": "contient une adresse de portefeuille crypto",
        "ar": "يحتوي على عنوان محفظة عملات رقمية",
    },
    "money_amount": {
        "en": "mentions an amount of money ({amount})",
        "fr": "mentionne une somme d'argent ({amount})",
        "ar": "يذكر مبلغًا من المال ({amount})",
    },
    "theme_earn_money": {
        "en": "promises easy money ({words})",
        "fr": "promet de l'argent facile ({words})",
        "ar": "يعد بربح سهل ({words})",
    },
    "theme_loan": {
        "en": "offers a loan or credit ({words})",
        "fr": "propose un prêt ou un crédit ({words})",
        "ar": "يعرض قرضًا أو تمويلًا ({words})",
    },
    "theme_testimonial": {
        "en": "a testimonial for a trader or a fund recovery ({words})",
        "fr": "témoignage pour un trader ou une récupération de fonds ({words})",
        "ar": "شهادة لصالح متداول أو لاسترجاع الأموال ({words})",
    },
    "link_spelled": {
        "en": "a link written out to dodge filters ({link})",
        "fr": "un lien écrit en toutes lettres pour déjouer les filtres ({link})",
        "ar": "رابط مكتوب بالحروف للتحايل على الفلاتر ({link})",
    },
    "theme_adult": {
        "en": "adult or dating content ({words})",
        "fr": "contenu pour adultes ou de rencontre ({words})",
        "ar": "محتوى للبالغين أو للتعارف ({words})",
    },
    "theme_health": {
        "en": "sells health or slimming products ({words})",
        "fr": "vend des produits de santé ou minceur ({words})",
        "ar": "يبيع منتجات صحية أو للتنحيف ({words})",
    },
    "theme_promo": {
        "en": "self-promotion ({words})",
        "fr": "autopromotion ({words})",
        "ar": "ترويج ذاتي ({words})",
    },
    "theme_prize": {
        "en": "promises a prize or something free ({words})",
        "fr": "promet un gain ou un cadeau ({words})",
        "ar": "يعد بجائزة أو بشيء مجاني ({words})",
    },
    "theme_contact_me": {
        "en": "asks readers to get in touch ({words})",
        "fr": "demande aux lecteurs de prendre contact ({words})",
        "ar": "يطلب من القراء التواصل ({words})",
    },
    "theme_urgent": {
        "en": "pressures the reader to act fast ({words})",
        "fr": "presse le lecteur d'agir vite ({words})",
        "ar": "يستعجل القارئ ({words})",
    },
    "theme_fake_docs": {
        "en": "sells documents or diplomas ({words})",
        "fr": "vend des documents ou des diplômes ({words})",
        "ar": "يبيع وثائق أو شهادات ({words})",
    },
    "all_caps": {
        "en": "{percent}% of the letters are capitals",
        "fr": "{percent} % des lettres sont en majuscules",
        "ar": "{percent}% من الحروف كبيرة",
    },
    "repeated_chars": {
        "en": "characters repeated many times",
        "fr": "caractères répétés de nombreuses fois",
        "ar": "أحرف مكررة مرات كثيرة",
    },
    "emoji_flood": {
        "en": "{count} emoji",
        "fr": "{count} émojis",
        "ar": "{count} رمزًا تعبيريًا",
    },
    "invisible_chars": {
        "en": "{count} invisible character(s) hidden in the text",
        "fr": "{count} caractère(s) invisible(s) caché(s) dans le texte",
        "ar": "{count} حرف غير مرئي مخفي في النص",
    },
    "mixed_script": {
        "en": "{count} word(s) mixing alphabets to dodge filters",
        "fr": "{count} mot(s) mêlant des alphabets pour tromper les filtres",
        "ar": "{count} كلمة تخلط الأبجديات للتحايل على المرشحات",
    },
    "exclamations": {
        "en": "{count} exclamation marks",
        "fr": "{count} points d'exclamation",
        "ar": "{count} علامة تعجب",
    },
    "wording": {
        "en": "wording typical of spam ({words})",
        "fr": "formulation typique du spam ({words})",
        "ar": "صياغة معتادة في الرسائل المزعجة ({words})",
    },
    "known_spam_wording": {
        "en": "wording seen in known spam ({words})",
        "fr": "formulation déjà vue dans des spams connus ({words})",
        "ar": "صياغة سبق رصدها في رسائل مزعجة معروفة ({words})",
    },
    "ham_wording": {
        "en": "wording typical of genuine comments",
        "fr": "formulation typique des vrais commentaires",
        "ar": "صياغة معتادة في التعليقات الحقيقية",
    },
    "site_learned": {
        "en": "resembles comments this site's moderators marked as spam",
        "fr": "ressemble à des commentaires marqués comme spam par les modérateurs du site",
        "ar": "يشبه تعليقات صنفها مشرفو الموقع رسائل مزعجة",
    },
    "site_learned_ham": {
        "en": "resembles comments this site's moderators approved",
        "fr": "ressemble à des commentaires approuvés par les modérateurs du site",
        "ar": "يشبه تعليقات وافق عليها مشرفو الموقع",
    },
    "campaign_words": {
        "en": "uses words from spam this site's moderators removed ({words})",
        "fr": "reprend des mots de spams retirés par les modérateurs du site ({words})",
        "ar": "يستعمل كلمات من رسائل مزعجة حذفها مشرفو الموقع ({words})",
    },
    "near_duplicate": {
        "en": "{percent}% similar to recent spam on this site",
        "fr": "similaire à {percent} % à un spam récent sur ce site",
        "ar": "مشابه بنسبة {percent}% لرسالة مزعجة حديثة على هذا الموقع",
    },
    "wave": {
        "en": "copy {count} of the same template from {authors} authors: a campaign wave",
        "fr": "copie n° {count} d'un même modèle envoyé par {authors} auteurs : une vague de spam",
        "ar": "النسخة رقم {count} من القالب نفسه من {authors} كتّاب: موجة رسائل مزعجة",
    },
    "wave_marked": {
        "en": "same template as a comment moderators marked as spam ({count} copies)",
        "fr": "même modèle qu'un commentaire marqué spam par les modérateurs ({count} copies)",
        "ar": "القالب نفسه لتعليق صنفه المشرفون رسالة مزعجة ({count} نسخ)",
    },
    "honeypot": {
        "en": "filled in a hidden field that only robots see",
        "fr": "a rempli un champ caché que seuls les robots voient",
        "ar": "ملأ حقلًا مخفيًا لا تراه إلا البرامج الآلية",
    },
    "too_fast": {
        "en": "sent {seconds} s after the page loaded",
        "fr": "envoyé {seconds} s après le chargement de la page",
        "ar": "أُرسل بعد {seconds} ثانية من تحميل الصفحة",
    },
    "same_text": {
        "en": "same text posted {count} times in 10 minutes",
        "fr": "même texte publié {count} fois en 10 minutes",
        "ar": "النص نفسه نُشر {count} مرات خلال 10 دقائق",
    },
    "author_rate": {
        "en": "{count} comments from this author in 10 minutes",
        "fr": "{count} commentaires de cet auteur en 10 minutes",
        "ar": "{count} تعليقًا من هذا الكاتب خلال 10 دقائق",
    },
    "author_url": {
        "en": "the author's name is a web address ({name})",
        "fr": "le nom de l'auteur est une adresse web ({name})",
        "ar": "اسم الكاتب عنوان موقع ({name})",
    },
    "author_keyword": {
        "en": "the author's name is a sales keyword ({words})",
        "fr": "le nom de l'auteur est un mot-clé commercial ({words})",
        "ar": "اسم الكاتب كلمة ترويجية ({words})",
    },
    "website_domain": {
        "en": "the author's website is on a domain used by spam ({domain})",
        "fr": "le site de l'auteur est sur un domaine utilisé par le spam ({domain})",
        "ar": "موقع الكاتب على نطاق يستخدمه المزعجون ({domain})",
    },
    "author_phrase": {
        "en": "the author's name is a keyword phrase, not a person's name ({words})",
        "fr": "le nom de l'auteur est une expression commerciale, pas un nom de personne ({words})",
        "ar": "اسم الكاتب عبارة ترويجية وليس اسم شخص ({words})",
    },
    "website_reference": {
        "en": "the author's website is a reference site ({domain})",
        "fr": "le site de l'auteur est un site de référence ({domain})",
        "ar": "موقع الكاتب موقع مرجعي ({domain})",
    },
    "reference_links": {
        "en": "its links point to reference sites ({domain})",
        "fr": "ses liens mènent à des sites de référence ({domain})",
        "ar": "روابطه تشير إلى مواقع مرجعية ({domain})",
    },
    "on_topic": {
        "en": "it talks about the post ({count} words in common)",
        "fr": "il parle de l'article ({count} mots en commun)",
        "ar": "يتحدث عن موضوع المقال ({count} كلمات مشتركة)",
    },
    "off_topic": {
        "en": "it says nothing about the post it is left under",
        "fr": "il ne dit rien de l'article sous lequel il est posté",
        "ar": "لا يقول شيئا عن المقال الذي نشر تحته",
    },
    "site_talk": {
        "en": "it talks about the blog, not the post, as template spam does ({words})",
        "fr": "il parle du blog et non de l'article, comme les commentaires types ({words})",
        "ar": "يتحدث عن المدونة لا عن المقال كما تفعل التعليقات المكررة ({words})",
    },
    "website_approved": {
        "en": "the author's website was approved before on this site ({domain})",
        "fr": "le site de l'auteur a déjà été approuvé ici ({domain})",
        "ar": "سبق أن قُبل موقع الكاتب في هذا الموقع ({domain})",
    },
    "website_reported": {
        "en": "the author's website was marked as spam before on this site ({domain})",
        "fr": "le site de l'auteur a déjà été signalé comme spam ici ({domain})",
        "ar": "سبق أن صُنّف موقع الكاتب كمزعج في هذا الموقع ({domain})",
    },
    "email_disposable": {
        "en": "disposable e-mail address ({domain})",
        "fr": "adresse e-mail jetable ({domain})",
        "ar": "بريد إلكتروني مؤقت ({domain})",
    },
    "language_mismatch": {
        "en": "written in a script this site does not use ({script})",
        "fr": "écrit dans une écriture que ce site n'utilise pas ({script})",
        "ar": "مكتوب بخط لا يستخدمه هذا الموقع ({script})",
    },
}


def reason_text(reason: SpamReason, lang: str = "en") -> str:
    """One reason as a short sentence in ``lang`` (fr, en or ar; else English)."""
    return render(CATALOG, reason, lang)
