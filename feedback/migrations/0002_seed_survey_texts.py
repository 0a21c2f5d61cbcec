"""The survey's questions and email text in the customer-facing languages (admin-editable afterwards)."""

from django.db import migrations

LANGUAGES = ("en", "zh_hans", "de", "fr", "es", "ja")

SEED = {
    "email_subject": (
        "How did we do? Your request {reference}",
        "您对我们的服务满意吗？您的请求 {reference}",
        "Wie zufrieden waren Sie? Ihre Anfrage {reference}",
        "Êtes-vous satisfait(e) ? Votre demande {reference}",
        "¿Qué tal lo hicimos? Su solicitud {reference}",
        "サポートはいかがでしたか？お問い合わせ {reference}",
    ),
    "email_intro": (
        "Hello {customer_name}, your request {reference} ({subject}) was solved. How satisfied are you with our help? Choose a rating below; on the page that opens, confirm it with the button and add a comment if you like.",
        "{customer_name}，您好！您的请求 {reference}（{subject}）已处理完毕。您对我们的帮助满意吗？请在下方选择一个评分，然后在打开的页面上点击按钮确认；您也可以留下评论。",
        "Hallo {customer_name}, Ihre Anfrage {reference} ({subject}) wurde gelöst. Wie zufrieden sind Sie mit unserer Hilfe? Wählen Sie unten eine Bewertung; auf der Seite, die sich öffnet, bestätigen Sie sie mit der Schaltfläche und können einen Kommentar hinzufügen.",
        "Bonjour {customer_name}, votre demande {reference} ({subject}) a été résolue. Êtes-vous satisfait(e) de notre aide ? Choisissez une note ci-dessous ; sur la page qui s’ouvre, confirmez-la avec le bouton et ajoutez un commentaire si vous le souhaitez.",
        "Hola, {customer_name}: su solicitud {reference} ({subject}) se ha resuelto. ¿Está satisfecho/a con nuestra ayuda? Elija una valoración abajo; en la página que se abre, confírmela con el botón y, si quiere, añada un comentario.",
        "{customer_name} 様、お問い合わせ {reference}（{subject}）は解決いたしました。私たちのサポートにどの程度ご満足いただけましたか？下の評価からお選びください。開いたページでボタンを押して確定すると送信されます。コメントもご記入いただけます。",
    ),
    "question": (
        "How satisfied are you with our help?",
        "您对我们的帮助满意吗？",
        "Wie zufrieden sind Sie mit unserer Hilfe?",
        "Êtes-vous satisfait(e) de notre aide ?",
        "¿Está satisfecho/a con nuestra ayuda?",
        "私たちのサポートにどの程度ご満足いただけましたか？",
    ),
    "comment": (
        "Would you like to tell us more? (optional)",
        "还有什么想告诉我们的吗？（选填）",
        "Möchten Sie uns mehr erzählen? (optional)",
        "Souhaitez-vous nous en dire plus ? (facultatif)",
        "¿Quiere contarnos algo más? (opcional)",
        "ご意見・ご感想があればお聞かせください（任意）",
    ),
    "thanks": (
        "Thank you! Your answer has been recorded. You can change it while this link is valid.",
        "谢谢！您的回答已记录。在链接有效期内，您可以随时修改。",
        "Vielen Dank! Ihre Antwort wurde gespeichert. Solange dieser Link gültig ist, können Sie sie ändern.",
        "Merci ! Votre réponse a été enregistrée. Vous pouvez la modifier tant que ce lien est valide.",
        "¡Gracias! Hemos registrado su respuesta. Puede cambiarla mientras este enlace sea válido.",
        "ありがとうございます！ご回答を記録しました。このリンクの有効期限内であれば変更できます。",
    ),
    "rating_1": ("Very dissatisfied", "非常不满意", "Sehr unzufrieden", "Très insatisfait(e)", "Muy insatisfecho/a",
                 "とても不満"),
    "rating_2": ("Dissatisfied", "不满意", "Unzufrieden", "Insatisfait(e)", "Insatisfecho/a", "不満"),
    "rating_3": ("Neither satisfied nor dissatisfied", "一般", "Weder zufrieden noch unzufrieden",
                 "Ni satisfait(e) ni insatisfait(e)", "Ni satisfecho/a ni insatisfecho/a", "どちらともいえない"),
    "rating_4": ("Satisfied", "满意", "Zufrieden", "Satisfait(e)", "Satisfecho/a", "満足"),
    "rating_5": ("Very satisfied", "非常满意", "Sehr zufrieden", "Très satisfait(e)", "Muy satisfecho/a", "とても満足"),
}


def seed(apps, schema_editor):
    """Add the texts that are missing; texts an admin already edited are kept."""
    SurveyText = apps.get_model("feedback", "SurveyText")
    for key, texts in SEED.items():
        values = {f"text_{language}": text for language, text in zip(LANGUAGES, texts, strict=True)}
        SurveyText.objects.get_or_create(key=key, defaults={"text": texts[0], **values})


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
