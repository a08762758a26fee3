"""Say hello to everyone in state.data.people, and count them."""

greeting = "Hello"
everyone = ["Amina", "Carlos", "Mei"]

fn(lambda state: {**state, "people": (state["data"] or {}).get("people", everyone)})
each(S.people, log(lambda state: f"{greeting}, {state['data']}!"))
fn(lambda state: {**state, "data": {"greeted": len(state["people"])}})
