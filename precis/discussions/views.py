from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from precis.core import generations
from precis.lib import ratelimit, richtext
from precis.lib.moderation import is_moderator
from precis.lib.navigation import number
from precis.lib.posting import delete_or_404, readable_or_404, refusal, save_form
from precis.lib.ratelimit import rate_limited
from precis.lib.votes import vote_response
from precis.papers.models import Paper
from precis.summaries.models import Summary

from . import services
from .forms import AnswerForm, CommentForm, QuestionForm
from .models import Answer, Comment, Question
from .threads import author_label, comment_place, comment_thread_context, thread_context

QUESTIONS_PER_PAGE = 20


def _comment_rate_limit(view):
    # Posting, editing and deleting share one budget with the API's comment writes.
    return rate_limited(ratelimit.COMMENT)(view)


def _question_rate_limit(view):
    # Asking, answering, accepting and deleting share one budget with the API's.
    return rate_limited(ratelimit.QUESTION)(view)


# --------------------------------------------------------------------------
# Comments
# --------------------------------------------------------------------------


@login_required
@require_POST
@_comment_rate_limit
def comment_create(request, summary_id):
    """Post a comment, or a reply when the form carries a ``parent`` id.

    On a validation error the summary page is shown again with the text kept
    in the form that was used (the main one, or the reply form under its comment).
    """
    summary = get_object_or_404(
        Summary.objects.viewable_by(request.user).for_display(request.user), pk=summary_id
    )
    if not services.may_comment_on(summary, request.user):
        raise Http404("This summary takes no comments.")
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid():
        parent_id = form.cleaned_data["parent"]
        if parent_id is not None:
            parent = get_object_or_404(Comment, pk=parent_id, summary=summary)
        try:
            comment = services.post_comment(
                author=request.user,
                summary=summary,
                source=form.cleaned_data["source"],
                parent=parent,
            )
        except ValidationError as exc:
            form.add_error("source", exc)
        else:
            return redirect(_comment_url(summary, comment, request.user))
    parent_id = parent.pk if parent else number(request.POST.get("parent"))
    if parent_id and Comment.objects.filter(pk=parent_id, summary=summary).exists():
        # A failed reply is shown again under its comment, on that comment's own page
        # (which always shows it, wherever it sits in a long discussion).
        parent = _thread_comment(parent_id)
        return _comment_thread_page(request, parent, reply_to=parent.pk, reply_form=form)
    context = thread_context(summary, request.user, form=form)
    return render(
        request, "summaries/detail.html", {"summary": summary, "paper": summary.paper, **context}
    )


def _own_comment(request, pk) -> Comment:
    """The signed-in user's live comment on a summary they may still comment on; else 404."""
    comment = get_object_or_404(
        Comment.objects.select_related("summary__paper", "summary__author"),
        pk=pk,
        author=request.user,
        deleted_at__isnull=True,
    )
    if not services.may_comment_on(comment.summary, request.user):
        raise Http404("No such comment.")
    return comment


@login_required
@_comment_rate_limit
def comment_edit(request, pk):
    comment = _own_comment(request, pk)
    if request.method == "POST":
        form = CommentForm(request.POST)
        edited = save_form(
            form,
            # The form's ``parent`` is for new replies; an edit keeps its place.
            lambda source, parent: services.edit_comment(
                comment=comment, editor=request.user, source=source
            ),
            field="source",
        )
        if edited is not None:
            messages.success(request, "Comment saved.")
            return redirect(_comment_url(edited.summary, edited, request.user))
    else:
        form = CommentForm(initial={"source": comment.source})
    return render(
        request,
        "discussions/comment_edit.html",
        {"comment": comment, "summary": comment.summary, "form": form},
    )


@login_required
@require_POST
@_comment_rate_limit
def comment_delete(request, pk):
    comment = get_object_or_404(
        Comment.objects.select_related("summary"), pk=pk, deleted_at__isnull=True
    )
    allowed = services.may_delete(comment, request.user) and (
        is_moderator(request.user) or services.may_comment_on(comment.summary, request.user)
    )
    if not allowed:
        raise Http404("No such comment.")
    services.delete_comment(comment=comment, editor=request.user)
    messages.success(request, "Comment deleted.")
    return redirect(_comment_url(comment.summary, comment, request.user))  # back to where it was


def comment_history(request, pk):
    """Every saved text of a comment, newest first. Deleted ones: author and staff only."""
    comment = get_object_or_404(
        Comment.objects.select_related("summary__paper", "summary__author", "author"), pk=pk
    )
    summary = comment.summary
    viewable = Summary.objects.viewable_by(request.user).filter(pk=summary.pk).exists()
    insider = request.user.is_authenticated and (
        is_moderator(request.user) or request.user.pk == comment.author_id
    )
    if not (viewable or is_moderator(request.user)) or (comment.deleted_at and not insider):
        raise Http404("No such comment.")
    revisions = list(comment.revisions.all())
    for revision in revisions:
        # Under the page's h1: the revisions' own top headings are h2.
        revision.html = richtext.render(revision.source, heading_level=2, strict=False)
    author_name, author_url = author_label(comment, summary, reveal_deleted=insider)
    return render(
        request,
        "discussions/comment_history.html",
        {
            "comment": comment,
            "summary": summary,
            "paper": summary.paper,
            "revisions": revisions,
            "author_name": author_name,
            "author_url": author_url,
        },
    )


def comment_detail(request, pk):
    """A comment and the replies below it, a page at a time: where "N more replies"
    leads, and where a comment deep in a long thread is shown."""
    comment = _thread_comment(pk)
    if not Summary.objects.viewable_by(request.user).filter(pk=comment.summary_id).exists():
        raise Http404("No such comment.")
    return _comment_thread_page(
        request, comment, page=request.GET.get("page"), reply_to=number(request.GET.get("reply_to"))
    )


def _thread_comment(pk) -> Comment:
    related = ("summary__paper", "summary__author", "author", "parent__author")
    return get_object_or_404(Comment.objects.select_related(*related), pk=pk)


def _comment_thread_page(request, comment, *, page=None, reply_to=None, reply_form=None):
    """Caller has checked that the user may see the comment's summary."""
    context = comment_thread_context(
        comment, request.user, page=page, reply_to=reply_to, reply_form=reply_form
    )
    if context is None:
        raise Http404("No such comment.")
    summary = comment.summary
    parent = comment.parent
    return render(
        request,
        "discussions/comment_thread.html",
        {
            "comment": comment,
            "summary": summary,
            "paper": summary.paper,
            "parent": parent,
            "parent_name": author_label(parent, summary)[0] if parent else "",
            **context,
        },
    )


def _comment_url(summary, comment, user) -> str:
    """Where a new or edited comment is shown: its page of the summary, or its thread's."""
    place = comment_place(summary, comment.pk, user)
    if place.url:
        return place.url
    query = f"?comments={place.page}" if place.page > 1 else ""
    return f"{summary.get_absolute_url()}{query}#comment-{comment.pk}"


# --------------------------------------------------------------------------
# Questions and answers
# --------------------------------------------------------------------------


@login_required
@require_POST
@_question_rate_limit
def ask(request, paper_id):
    paper = get_object_or_404(Paper.objects.with_authors(), pk=paper_id)
    form = QuestionForm(request.POST)
    question = save_form(form, partial(services.ask_question, author=request.user, paper=paper))
    if question is not None:
        return redirect(question)
    return render(request, "discussions/ask.html", {"paper": paper, "form": form})


def _viewable_question(request, pk) -> Question:
    """A question anyone may read; a deleted one only its asker and staff, a held or
    hidden one only its asker and moderators (others: 404)."""
    questions = Question.objects.select_related("author", "paper")
    return readable_or_404(questions, pk, request.user, noun="question", author_sees_deleted=True)


def question_detail(request, pk, *, answer_form=None):
    question = _viewable_question(request, pk)
    paper = get_object_or_404(Paper.objects.with_authors(), pk=question.paper_id)
    answers = list(
        Answer.objects.visible_to(request.user)
        .filter(question=question)
        .for_display(request.user)
        .best_first(question)
    )
    user = request.user
    may_judge = user.is_authenticated and (user.pk == question.author_id or is_moderator(user))
    return render(
        request,
        "discussions/question_detail.html",
        {
            "question": question,
            "paper": paper,
            "answers": answers,
            "may_accept": may_judge and question.deleted_at is None,
            "may_delete_question": services.may_delete(question, user),
            "answer_form": answer_form
            or (AnswerForm() if user.is_authenticated and not question.deleted_at else None),
        },
    )


@login_required
@require_POST
@_question_rate_limit
def answer_create(request, pk):
    question = get_object_or_404(Question.objects.alive(), pk=pk)
    form = AnswerForm(request.POST)
    post = partial(services.post_answer, author=request.user, question=question)
    answer = save_form(form, post, field="source")
    if answer is not None:
        return redirect(answer)
    return question_detail(request, pk, answer_form=form)


@login_required
@require_POST
@rate_limited(ratelimit.VOTE)
@generations.soft_write_view
def answer_vote(request, pk):
    answer = get_object_or_404(
        Answer.objects.alive().select_related("question"),
        pk=pk,
        question__deleted_at__isnull=True,
    )
    return vote_response(
        request,
        cast=lambda value: services.cast_answer_vote(
            voter=request.user, answer=answer, value=value
        ),
        fallback_url=answer.get_absolute_url(),
    )


@login_required
@require_POST
@_question_rate_limit
def accept(request, pk, answer_id):
    """Accept an answer (``action=accept``, the default) or take that back (``action=unaccept``)."""
    question = get_object_or_404(Question.objects.alive(), pk=pk)
    if not (request.user.pk == question.author_id or is_moderator(request.user)):
        raise Http404("No such question.")
    answer = get_object_or_404(Answer, pk=answer_id, question=question)
    accepted = request.POST.get("action", "accept") != "unaccept"
    try:
        services.accept_answer(question=question, answer=answer, by=request.user, accepted=accepted)
    except ValidationError as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, "Answer accepted." if accepted else "Answer no longer accepted.")
    return redirect(answer)


@login_required
@require_POST
@_question_rate_limit
def question_delete(request, pk):
    question = delete_or_404(
        request, Question.objects.alive(), pk, services.delete_question, noun="question"
    )
    return redirect(question.paper)


@login_required
@require_POST
@_question_rate_limit
def answer_delete(request, pk):
    answer = delete_or_404(
        request, Answer.objects.alive(), pk, services.delete_answer, noun="answer"
    )
    return redirect("discussions:question", pk=answer.question_id)


def open_questions(request):
    """Questions still waiting for an accepted answer, newest first, across the site;
    with ``?paper=<id>``, every question about that paper, answered or not."""
    paper_id = number(request.GET.get("paper"))
    paper = Paper.objects.filter(pk=paper_id).first() if paper_id else None
    questions = Question.objects.shown().filter(paper=paper) if paper else Question.objects.open()
    questions = (
        questions.excluding_muted_by(request.user)
        .with_answer_counts()
        .select_related("paper", "author")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(questions, QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "discussions/open_questions.html", {"page": page, "paper": paper})
