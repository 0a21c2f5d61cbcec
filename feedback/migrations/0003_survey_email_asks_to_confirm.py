"""The survey email's introduction said one click on a rating was enough, while the page only
preselects the rating and records it when the customer confirms: the seeded text in every language
becomes the one that says so. A text an admin has edited is left as it is."""

from django.db import migrations

LANGUAGES = ("en", "zh_hans", "de", "fr", "es", "ja")

OLD_INTRO = {
    "en": (
        "Hello {customer_name}, your request {reference} ({subject}) was solved. How satisfied are you with our help? One click on a rating is enough."
    ),
    "zh_hans": (
        "{customer_name}，您好！您的请求 {reference}（{subject}）已处理完毕。您对我们的帮助满意吗？点击一个评分即可。"
    ),
    "de": (
        "Hallo {customer_name}, Ihre Anfrage {reference} ({subject}) wurde gelöst. Wie zufrieden sind Sie mit unserer Hilfe? Ein Klick auf eine Bewertung genügt."
    ),
    "fr": (
        "Bonjour {customer_name}, votre demande {reference} ({subject}) a été résolue. Êtes-vous satisfait(e) de notre aide ? Un clic sur une note suffit."
    ),
    "es": (
        "Hola, {customer_name}: su solicitud {reference} ({subject}) se ha resuelto. ¿Está satisfecho/a con nuestra ayuda? Basta con un clic en una valoración."
    ),
    "ja": (
        "{customer_name} 様、お問い合わせ {reference}（{subject}）は解決いたしました。私たちのサポートにどの程度ご満足いただけましたか？評価をクリックするだけで完了します。"
    ),
}

NEW_INTRO = {
    "en": (
        "Hello {customer_name}, your request {reference} ({subject}) was solved. How satisfied are you with our help? Choose a rating below; on the page that opens, confirm it with the button and add a comment if you like."
    ),
    "zh_hans": (
        "{customer_name}，您好！您的请求 {reference}（{subject}）已处理完毕。您对我们的帮助满意吗？请在下方选择一个评分，然后在打开的页面上点击按钮确认；您也可以留下评论。"
    ),
    "de": (
        "Hallo {customer_name}, Ihre Anfrage {reference} ({subject}) wurde gelöst. Wie zufrieden sind Sie mit unserer Hilfe? Wählen Sie unten eine Bewertung; auf der Seite, die sich öffnet, bestätigen Sie sie mit der Schaltfläche und können einen Kommentar hinzufügen."
    ),
    "fr": (
        "Bonjour {customer_name}, votre demande {reference} ({subject}) a été résolue. Êtes-vous satisfait(e) de notre aide ? Choisissez une note ci-dessous ; sur la page qui s’ouvre, confirmez-la avec le bouton et ajoutez un commentaire si vous le souhaitez."
    ),
    "es": (
        "Hola, {customer_name}: su solicitud {reference} ({subject}) se ha resuelto. ¿Está satisfecho/a con nuestra ayuda? Elija una valoración abajo; en la página que se abre, confírmela con el botón y, si quiere, añada un comentario."
    ),
    "ja": (
        "{customer_name} 様、お問い合わせ {reference}（{subject}）は解決いたしました。私たちのサポートにどの程度ご満足いただけましたか？下の評価からお選びください。開いたページでボタンを押して確定すると送信されます。コメントもご記入いただけます。"
    ),
}


def _replace(apps, before, after):
    SurveyText = apps.get_model("feedback", "SurveyText")
    row = SurveyText.objects.filter(key="email_intro").first()
    if row is None:
        return
    changed = []
    for field, language in [("text", "en"), *((f"text_{code}", code) for code in LANGUAGES)]:
        if getattr(row, field, None) == before[language]:
            setattr(row, field, after[language])
            changed.append(field)
    if changed:
        row.save(update_fields=changed)


def update_intro(apps, schema_editor):
    _replace(apps, OLD_INTRO, NEW_INTRO)


def restore_intro(apps, schema_editor):
    _replace(apps, NEW_INTRO, OLD_INTRO)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0002_seed_survey_texts")]

    operations = [migrations.RunPython(update_intro, restore_intro)]
