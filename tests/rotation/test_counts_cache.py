"""A round's counts are read once per stamp (a national due list has 1,500,000 entries) and every write that
changes them changes the stamp; who the plan gives a post to is named for the first three and counted after."""


from chidao.rotation import due, plan
from chidao.rotation.models import DueEntry, Move


def test_due_counts_are_read_once_per_stamp_and_follow_an_exclusion(world, users, django_assert_num_queries):
    # Given the world's round, four due and included, its counts read once
    rnd = world.round
    first = due.due_counts(round=rnd)
    assert (first["due"], first["total"], first["included"]) == (4, 4, 4)

    # When they are read again, only the stamp is read (the counts come from the cache)
    with django_assert_num_queries(1):
        again = due.due_counts(round=rnd)
    assert again == first

    # And when the office takes Hà out of the plan through the service
    entry = DueEntry.objects.get(round=rnd, person=world.people["ha"])
    due.due_entry_set_included(actor=users["office"], entry=entry, included=False, reason="Đang điều trị dài ngày")

    # Then the next read, with the same (older) copy of the round, shows three included
    after = due.due_counts(round=rnd)
    assert (after["due"], after["total"], after["included"]) == (4, 4, 3)


def test_the_round_list_counts_follow_a_flagged_addition(world, users):
    # Given the round list as the office sees it
    before = {r.pk: (r.entry_count, r.due_count, r.included_count) for r in due.round_list(user=users["office"])}
    assert before[world.round.pk] == (4, 4, 4)

    # When Dũng is added as showing signs of not completing duties
    due.due_entry_add_flagged(actor=users["office"], round=world.round, person=world.people["dung"],
                              reason="Hai năm liền không hoàn thành nhiệm vụ")

    # Then the list counts five entries, five due, five included
    after = {r.pk: (r.entry_count, r.due_count, r.included_count) for r in due.round_list(user=users["office"])}
    assert after[world.round.pk] == (5, 5, 5)


def test_plan_counts_follow_a_hand_edit(proposed, users):
    # Given the proposed plan: three placed, Hà not
    office = users["office"]
    view = plan.plan_get(user=office, round=proposed.round, per_page=50)
    assert (view.placed, view.unplaced, view.with_violations, view.due_included) == (3, 1, 0, 4)

    # When the office takes An out of the plan by hand
    an = Move.objects.get(round=proposed.round, person=proposed.people["an"])
    plan.move_edit(actor=office, move=an, to_position=None, reason="Chờ kết luận kiểm tra")

    # Then the page counts two placed and two not placed, and the two whose chain went through An's seat (Cường
    # into it, Bình into Cường's) now break a rule
    view = plan.plan_get(user=office, round=proposed.round, per_page=50)
    assert (view.placed, view.unplaced, view.with_violations, view.due_included) == (2, 2, 2, 4)


def test_who_takes_a_post_names_three_and_counts_the_others():
    taken = plan.PostTaken(named=[(1, "An"), (2, "Bình"), (3, "Cường"), (4, "Dũng")], total=6)

    assert taken.said(besides=99) == "An, Bình, Cường và 3 người khác"
    # The move asking is never counted among those who take the post
    assert taken.said(besides=2) == "An, Cường, Dũng và 2 người khác"
    assert plan.PostTaken(named=[(7, "Hà")], total=1).said(besides=99) == "Hà"


def test_posts_taken_reads_each_post_once_whatever_its_moves(proposed, django_assert_num_queries):
    # Given the proposed plan (An, Bình and Cường placed)
    moves = {m.person_id: m for m in Move.objects.filter(round=proposed.round)}
    placed = {m.to_position_id: m for m in moves.values() if m.to_position_id}
    assert len(placed) == 3

    # When the page asks who takes those posts and one post no one takes
    with django_assert_num_queries(2):
        taken = plan._posts_taken(proposed.round, {*placed, proposed.posts["stp_senior"].pk})

    # Then each taken post names its one mover, and the free post is absent
    assert {post: (t.total, [name for _pk, name in t.named]) for post, t in taken.items()} == {
        post: (1, [m.person.full_name]) for post, m in placed.items()}
