"""The Urdu values of the shipped configuration: the default programme (its stages,
transitions and classification bands), the default instrument (domains and items) and
the group categories. Installed by a data migration (0036) and by the tests when they
re-install the shipped configuration; ``install`` takes a migration's historical ``apps``.

A value is set only where the Urdu one is still empty and the English one is still the
shipped one: what administrators renamed or translated themselves is theirs.
"""

from casemgmt.default_instrument import DOMAINS
from casemgmt.default_instrument import NAME as INSTRUMENT_NAME
from casemgmt.default_programme import GROUP_CATEGORIES, PROGRAMME

PROGRAMME_UR = {
    "name": "بحالی اور معاشرتی انضمام کا پروگرام",
    "description": (
        "فورم کا ماڈل: ابتدائی جانچ، انفرادی تشخیص، کثیر ادارہ جاتی کیس کانفرنس، جیل میں "
        "بحالی اور مشاورت، رہائی کی تیاری، اور رہائی کے بعد نگرانی، سب ایک مسلسل کیس میں۔"
    ),
}

# Stage key -> (shipped English name, Urdu name).
STAGES_UR = {
    "referral": ("Referral & screening", "ریفرل اور ابتدائی جانچ"),
    "intake": ("Intake & initial assessment", "داخلہ اور ابتدائی تشخیص"),
    "case_conference": ("Case conference & plan", "کیس کانفرنس اور منصوبہ"),
    "prison_rehabilitation": ("Prison rehabilitation", "جیل میں بحالی"),
    "counselling": ("Counselling & coaching", "مشاورت اور کوچنگ"),
    "release_preparation": ("Release preparation", "رہائی کی تیاری"),
    "released": ("Released: reintegration & monitoring", "رہا شدہ: معاشرتی انضمام اور نگرانی"),
    "completed": ("Completed", "مکمل"),
    "exited": ("Exited", "خارج"),
    "suspended": ("Suspended", "معطل"),
}

# Shipped English transition name -> Urdu (several moves share a name).
TRANSITIONS_UR = {
    "Accept after screening": "جانچ کے بعد قبول کریں",
    "Ready for case conference": "کیس کانفرنس کے لیے تیار",
    "Place in prison rehabilitation": "جیل میں بحالی کے لیے بھیجیں",
    "Place in counselling & coaching": "مشاورت اور کوچنگ کے لیے بھیجیں",
    "Move to intensive counselling": "گہری مشاورت میں منتقل کریں",
    "Begin release preparation": "رہائی کی تیاری شروع کریں",
    "Release": "رہائی",
    "Complete (legal term ended)": "مکمل کریں (قانونی مدت ختم)",
    "Suspend (recall, re-arrest, absconded)": "معطل کریں (واپس طلبی، دوبارہ گرفتاری، مفرور)",
    "Suspend": "معطل کریں",
    "Return to prison rehabilitation": "جیل میں بحالی کی طرف واپسی",
    "Resume monitoring": "نگرانی دوبارہ شروع کریں",
    "Exit (withdrawn, transferred, deceased)": "اخراج (دستبرداری، منتقلی، وفات)",
}

# Band code -> (shipped English name, Urdu name): the words the interface already uses.
BANDS_UR = {
    "low": ("Low concern", "کم تشویش"),
    "moderate": ("Moderate concern", "درمیانی تشویش"),
    "high": ("High concern", "زیادہ تشویش"),
}

INSTRUMENT_UR = {
    "name": "انفرادی معاشرتی انضمام کی تشخیص",
}

# Domain key -> (shipped English name, Urdu name).
DOMAINS_UR = {
    "disengagement": ("Behavioural disengagement", "رویے میں تشدد سے علیحدگی"),
    "ideology": ("Ideological commitment", "نظریاتی وابستگی"),
    "trauma": ("Trauma and mental health", "صدمہ اور ذہنی صحت"),
    "capability": ("Combat experience and capability", "جنگی تجربہ اور صلاحیت"),
    "social_ties": ("Family and social ties", "خاندانی اور سماجی روابط"),
    "employability": ("Education and employability", "تعلیم اور روزگار کی اہلیت"),
    "protective": ("Protective factors", "حفاظتی عناصر"),
}

# Item key -> Urdu prompt (item keys are unique across the default instrument).
ITEMS_UR = {
    "group_contact": "سابقہ گروہ کے ارکان یا اس کے نیٹ ورکس سے رابطہ۔",
    "violence": "تشدد میں ملوث ہونا یا اس کی تیاری۔",
    "compliance": "شرائط، قواعد یا معاہدوں کی خلاف ورزی۔",
    "recruiting": "دوسروں کو تشدد کے لیے بھرتی کرنے یا اس کی طرف مائل کرنے کی کوششیں۔",
    "justification": "کسی مقصد کے لیے دوسروں کے خلاف تشدد کو جائز سمجھتا ہے۔",
    "us_them": "معاشرے کو سخت 'ہم اور وہ' کی تقسیم میں دیکھتا ہے۔",
    "openness": "متبادل بیانیوں اور دوسرے نقطہ ہائے نظر پر بات چیت کرتا ہے۔",
    "trauma_symptoms": (
        "صدمے کی علامات (ڈراؤنے خواب، گزرے واقعات کا بار بار ذہن میں آنا، حد سے زیادہ چوکنا رہنا)۔"
    ),
    "mental_health": "ذہنی صحت کی دوسری ضروریات جو روزمرہ زندگی پر اثر ڈالتی ہیں۔",
    "substance": "منشیات یا شراب کا نقصان دہ استعمال۔",
    "training": "ہتھیاروں یا دھماکا خیز مواد کی تربیت اور تجربہ۔",
    "leadership": "قیادت یا عملی کارروائیوں کا کردار ادا کیا۔",
    "family_support": "تشدد سے دور زندگی کے لیے خاندان کی حمایت۔",
    "prosocial_peers": "سابقہ گروہ سے باہر دوست اور برادری۔",
    "isolation": "سماجی تنہائی یا برادری کی طرف سے ٹھکرایا جانا۔",
    "education": "کام یا مزید تعلیم کے لیے کافی تعلیمی سطح۔",
    "skills": "ایسی فنی مہارتیں جن کی مقامی طور پر مانگ ہو۔",
    "employment": "مستحکم کام یا روزگار کا امکان۔",
    "motivation": "تشدد کو پیچھے چھوڑنے کا اپنا عزم۔",
    "positive_identity": "گروہ سے باہر ایک مثبت شناخت (والدین، کارکن، طالب علم)۔",
    "trust": "کیس ورکر، مشیر یا رہنما کے ساتھ اعتماد کا رشتہ۔",
}

# Shipped English category name -> (Urdu name, Urdu description).
GROUP_CATEGORIES_UR = {
    "Armed group, regional": (
        "مسلح گروہ، علاقائی",
        "ایک منظم مسلح گروہ جو ایک علاقے میں سرگرم ہے۔",
    ),
    "Armed group, transnational": (
        "مسلح گروہ، سرحد پار",
        "ایک مسلح گروہ جس کی کارروائیاں سرحدوں کے پار پھیلی ہوئی ہیں۔",
    ),
    "Sectarian armed group": (
        "فرقہ وارانہ مسلح گروہ",
        "فرقہ وارانہ تشدد کی بنیاد پر منظم گروہ۔",
    ),
    "Separatist armed group": (
        "علیحدگی پسند مسلح گروہ",
        "تشدد کے ذریعے علیحدگی کا خواہاں گروہ۔",
    ),
    "Unaffiliated / self-initiated": (
        "غیر وابستہ / اپنی پہل پر",
        "کوئی باقاعدہ گروہ نہیں؛ اکیلے یا ایک چھوٹے گروپ میں کارروائی کی۔",
    ),
    "Not yet determined": (
        "ابھی طے نہیں",
        "ابتدائی جانچ میں قسم ابھی طے نہیں ہوئی۔",
    ),
}


def install(apps, schema_editor=None) -> None:
    Programme = apps.get_model("casemgmt", "Programme")
    Stage = apps.get_model("casemgmt", "Stage")
    Transition = apps.get_model("casemgmt", "Transition")
    Band = apps.get_model("casemgmt", "ClassificationBand")
    Instrument = apps.get_model("casemgmt", "Instrument")
    Domain = apps.get_model("casemgmt", "Domain")
    Item = apps.get_model("casemgmt", "Item")
    GroupCategory = apps.get_model("casemgmt", "GroupCategory")

    programmes = Programme.objects.filter(code=PROGRAMME["code"])
    programmes.filter(name=PROGRAMME["name"], name_ur="").update(name_ur=PROGRAMME_UR["name"])
    programmes.filter(description=PROGRAMME["description"], description_ur="").update(
        description_ur=PROGRAMME_UR["description"]
    )
    stages = Stage.objects.filter(programme__code=PROGRAMME["code"], name_ur="")
    for key, (name, urdu) in STAGES_UR.items():
        stages.filter(key=key, name=name).update(name_ur=urdu)
    transitions = Transition.objects.filter(programme__code=PROGRAMME["code"], name_ur="")
    for name, urdu in TRANSITIONS_UR.items():
        transitions.filter(name=name).update(name_ur=urdu)
    # Every programme that still has the shipped bands (they were given to all of them).
    for code, (name, urdu) in BANDS_UR.items():
        Band.objects.filter(code=code, name=name, name_ur="").update(name_ur=urdu)

    instruments = Instrument.objects.filter(name=INSTRUMENT_NAME)
    instruments.filter(name_ur="").update(name_ur=INSTRUMENT_UR["name"])
    domains = Domain.objects.filter(instrument__name=INSTRUMENT_NAME, name_ur="")
    for key, (name, urdu) in DOMAINS_UR.items():
        domains.filter(key=key, name=name).update(name_ur=urdu)
    items = Item.objects.filter(domain__instrument__name=INSTRUMENT_NAME, prompt_ur="")
    shipped_prompts = {key: prompt for *_d, d_items in DOMAINS for key, prompt, _p in d_items}
    for key, urdu in ITEMS_UR.items():
        items.filter(key=key, prompt=shipped_prompts[key]).update(prompt_ur=urdu)

    shipped_descriptions = dict(GROUP_CATEGORIES)
    for name, (urdu, description) in GROUP_CATEGORIES_UR.items():
        categories = GroupCategory.objects.filter(name=name)
        categories.filter(name_ur="").update(name_ur=urdu)
        categories.filter(description=shipped_descriptions[name], description_ur="").update(
            description_ur=description
        )
